"""Run an app under gunicorn on 127.0.0.1 with the deployment config of docs/deploy/."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEPLOY_CONFIG = os.path.join(ROOT, "docs", "deploy", "gunicorn.conf.py")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """A gunicorn master serving app_spec; start() waits until ready_path answers 200."""

    def __init__(self, app_spec, env, workers, log_path, ready_path="/healthz", extra_args=()):
        self.app_spec, self.workers, self.ready_path = app_spec, workers, ready_path
        self.env = {**os.environ, **env}
        self.log_path, self.extra_args = log_path, list(extra_args)
        self.port = free_port()
        self.process = None

    def start(self, timeout=60):
        """Start gunicorn; a port taken between choosing and binding it is chosen again."""
        for _attempt in range(3):
            if self._launch(timeout):
                return self
            self.port = free_port()
        raise RuntimeError(f"gunicorn found no free port; see {self.log_path}")

    def _launch(self, timeout):
        command = [sys.executable, "-m", "gunicorn", "-c", DEPLOY_CONFIG,
                   "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
                   *self.extra_args, self.app_spec]
        with open(self.log_path, "ab") as log:
            logged = log.tell()
            self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                with open(self.log_path, "rb") as log:
                    log.seek(logged)
                    if b"in use" in log.read():
                        return False
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log_path}")
            if self._ready() and len(self.worker_pids()) >= self.workers:
                return True
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer {self.ready_path} in {timeout}s; see {self.log_path}")

    def _ready(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
        try:
            conn.request("GET", self.ready_path)
            response = conn.getresponse()
            response.read()
            return response.status == 200
        except (OSError, http.client.HTTPException):
            return False
        finally:
            conn.close()

    def worker_pids(self):
        """The pids of the master's children (its workers)."""
        master = str(self.process.pid)
        found = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[1] == master:
                found.append(int(entry))
        return sorted(found)

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def cpu_seconds(pids):
    """User plus system CPU time the processes have used so far, in seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / ticks


def rss_kib(pid):
    """Resident set size of a process in KiB, from /proc."""
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")
