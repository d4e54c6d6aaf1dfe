"""Two real `flask scheduler run` processes on one database: one leads, the other waits.

The processes are watched through their output (a blocking read with a deadline),
never by sleeping; the database says which process ran the jobs.
"""

import os
import queue
import signal
import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import create_engine, text

from tests.support import ROOT
from tests.support.factories import TEST_CONFIG


class Scheduler:
    """A `flask --app wsgi scheduler run` subprocess whose output lines can be awaited."""

    def __init__(self, env):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "scheduler", "run"], cwd=ROOT, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
        )
        self.lines, self.seen = queue.Queue(), []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def wait_for(self, needle, timeout=60):
        """Return the first new line containing needle; fail at the deadline or on exit."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                pytest.fail(f"no {needle!r} within {timeout}s; output so far: {self.seen}")
            if line is None:
                pytest.fail(f"process ended before {needle!r}; output: {self.seen}")
            self.seen.append(line)
            if needle in line:
                return line

    def stop(self):
        """SIGTERM, then wait; return the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait(timeout=30)
        self.reader.join(timeout=10)
        self.proc.stdout.close()
        return code

    def rest(self):
        """Every line printed after the last awaited one (the process has ended)."""
        out = []
        while not self.lines.empty():
            line = self.lines.get()
            if line is not None:
                out.append(line)
        return out


def holders(uri):
    """Who wrote the heartbeat, and who last ran each job."""
    engine = create_engine(uri)
    try:
        with engine.connect() as conn:
            beat = conn.execute(text("SELECT holder FROM scheduler_heartbeats WHERE name = 'leader'")).scalar()
            ran = dict(conn.execute(text("SELECT job_id, holder FROM scheduler_jobs WHERE last_run_at IS NOT NULL")).all())
    finally:
        engine.dispose()
    return beat, ran


def test_two_schedulers_on_one_database_only_the_leader_runs_jobs(database, tmp_path):
    uri = database("base")
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "DONGQIAN_SQLALCHEMY_DATABASE_URI": uri,
           "DONGQIAN_SECRET_KEY": TEST_CONFIG["SECRET_KEY"], "DONGQIAN_PII_KEY": TEST_CONFIG["PII_KEY"],
           "DONGQIAN_INSTANCE_PATH": str(tmp_path / "instance"),
           "DONGQIAN_DELIVERY_INTERVAL_SECONDS": "1", "DONGQIAN_SCHEDULER_LEADER_RETRY_SECONDS": "0.2"}
    first = Scheduler(env)
    second = None
    try:
        assert f":{first.proc.pid} runs jobs" in first.wait_for("leader:")
        first.wait_for("scan_due:")
        second = Scheduler(env)
        waiting = second.wait_for("waiting:")
        assert f":{first.proc.pid}" in waiting  # it names the leader it waits for
        for _ in range(2):  # the leader keeps working while the other waits
            first.wait_for("deliver:")
        beat, ran = holders(uri)
        assert beat.endswith(f":{first.proc.pid}")
        assert set(ran) >= {"scan_due", "deliver"} and all(h.endswith(f":{first.proc.pid}") for h in ran.values())
        assert not any("scan_due:" in line or "deliver:" in line for line in second.seen)

        first.proc.kill()  # no goodbye: the lock must go with the process
        first.proc.wait(timeout=30)
        assert f":{second.proc.pid} runs jobs" in second.wait_for("leader:", timeout=60)
        second.wait_for("scan_due:")
        second.wait_for("deliver:")
        beat, ran = holders(uri)
        assert beat.endswith(f":{second.proc.pid}") and ran["scan_due"].endswith(f":{second.proc.pid}")
        assert second.stop() == 0
        assert "stopping" in second.rest()
    finally:
        first.stop()
        if second is not None:
            second.stop()

