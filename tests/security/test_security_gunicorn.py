"""The brute-force limit holds across web workers: a real gunicorn with 4 workers on loopback."""

import http.client
import json
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest
from sqlalchemy import create_engine, text

from tests.support import ROOT, free_port
from tests.support.factories import PASSWORD, TEST_CONFIG
from tests.support.security.pii_scan import id_numbers

PER_ACCOUNT, PER_ADDRESS = 3, 9
WRONG = "Wrong-guess-4711"



@pytest.fixture
def gunicorn(database, tmp_path):
    """Serve the app with `gunicorn -w 4` on a fresh copy of the base data; yield (port, uri, logs)."""
    uri = database("base")
    port = free_port()
    env = {
        **os.environ,
        "DONGQIAN_SQLALCHEMY_DATABASE_URI": uri,
        "DONGQIAN_SECRET_KEY": "gunicorn-test-secret",
        "DONGQIAN_PII_KEY": TEST_CONFIG["PII_KEY"],
        "DONGQIAN_INSTANCE_PATH": str(tmp_path / "instance"),
        "DONGQIAN_LOGIN_MAX_FAILURES_PER_ACCOUNT": str(PER_ACCOUNT),
        "DONGQIAN_LOGIN_MAX_FAILURES_PER_ADDRESS": str(PER_ADDRESS),
    }
    out, err = open(tmp_path / "access.log", "w+"), open(tmp_path / "error.log", "w+")
    command = [os.path.join(os.path.dirname(sys.executable), "gunicorn"), "-w", "4", "-b", f"127.0.0.1:{port}",
               "--access-logfile", "-", "--access-logformat", '%(p)s "%(r)s" %(s)s', "wsgi:create_app()"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=err)
    try:
        wait_until_up(port, process)
        yield port, uri, (tmp_path / "access.log", tmp_path / "error.log")
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        out.close()
        err.close()


def wait_until_up(port, process, seconds=90):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            if call(port, "GET", "/healthz")[0] == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer /healthz")


def call(port, method, path, form=None, cookie=None):
    """One request on a new connection (so the kernel may hand it to any worker)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Connection": "close"}
    if cookie:
        headers["Cookie"] = cookie
    if form is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=urlencode(form) if form is not None else None, headers=headers)
    response = conn.getresponse()
    body = response.read().decode()
    set_cookie = response.getheader("Set-Cookie")
    conn.close()
    return response.status, body, set_cookie


def login(port, username, password):
    """Log in as a browser would: fetch the form (cookie + CSRF token), post it; return the status."""
    status, page, set_cookie = call(port, "GET", "/login")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    cookie = set_cookie.split(";", 1)[0]
    status, body, _ = call(port, "POST", "/login", {"csrf_token": token, "username": username,
                                                     "password": password}, cookie)
    return status


def test_the_login_limit_holds_across_four_gunicorn_workers(gunicorn):
    port, uri, (access_log, error_log) = gunicorn
    # A burst at once: the attempts land on several workers, only PER_ACCOUNT are judged.
    with ThreadPoolExecutor(max_workers=8) as pool:
        burst = list(pool.map(lambda _: login(port, "qingjiang-worker", WRONG), range(8)))
    assert burst.count(200) <= PER_ACCOUNT and burst.count(429) >= 8 - PER_ACCOUNT
    # One after another, each on a new connection: the count is shared by the workers.
    assert [login(port, "demo-worker", WRONG) for _ in range(PER_ACCOUNT)] == [200] * PER_ACCOUNT
    assert login(port, "demo-worker", PASSWORD) == 429
    engine = create_engine(uri)
    with engine.connect() as conn:
        failed = conn.execute(text("SELECT count(*) FROM login_attempts WHERE outcome IN ('failed', 'pending')")).scalar()
    assert failed <= PER_ACCOUNT * 2
    # The address limit: guesses at other accounts until it is reached, then even a good login waits.
    assert [login(port, f"nobody-{n}", WRONG) for n in range(PER_ADDRESS - failed)] == [200] * (PER_ADDRESS - failed)
    assert login(port, "lvyuan-supervisor", PASSWORD) == 429
    with engine.connect() as conn:
        limits = conn.execute(text("SELECT detail FROM audit_events WHERE action = 'login_throttled'")).scalars().all()
    engine.dispose()
    limits = [json.loads(d) if isinstance(d, str) else d for d in limits]
    assert {"account", "address"} <= {d["limit"] for d in limits}
    access, errors = access_log.read_text(), error_log.read_text()
    pids = set(re.findall(r'^<(\d+)> "POST /login', access, re.M))
    assert len(pids) >= 2, access  # the attempts really were spread over workers
    assert "login limit reached (account) for 'demo-worker' from 127.0.0.1" in errors
    assert "login limit reached (address) for 'lvyuan-supervisor'" in errors
    assert WRONG not in access + errors and PASSWORD not in access + errors
    assert id_numbers(access + errors) == set()
