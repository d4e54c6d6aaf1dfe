"""Start a throwaway PostgreSQL server for the suite (initdb in a temp folder)."""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time

from tests.support import free_port


def find_bin(name):
    """Return the path of a PostgreSQL binary, or None where it is not installed."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def available():
    return all(find_bin(n) for n in ("initdb", "pg_ctl", "postgres"))



class PgServer:
    """A server on 127.0.0.1 with trust auth; as root it runs as user nobody."""

    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="dongqian-pg-")
        self.data = os.path.join(self.root, "data")
        self.port = free_port()
        self.as_user = None
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            self.as_user = "nobody"
            os.chmod(self.root, 0o777)
            entry = pwd.getpwnam(self.as_user)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)

    def _run(self, *args, **kwargs):
        cmd = list(args)
        if self.as_user:
            cmd = ["runuser", "-u", self.as_user, "--", *cmd]
        return subprocess.run(cmd, check=True, capture_output=True, text=True, **kwargs)

    def start(self):
        self._run(find_bin("initdb"), "-D", self.data, "-U", "postgres", "--auth=trust",
                  "--encoding=UTF8", "--locale=C")
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} -c fsync=off " \
                  "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        self._run(find_bin("pg_ctl"), "-D", self.data, "-o", options, "-l",
                  os.path.join(self.root, "log"), "-w", "-t", "60", "start")
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("PostgreSQL did not start")

    def url(self, database="postgres"):
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self):
        try:
            self._run(find_bin("pg_ctl"), "-D", self.data, "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
