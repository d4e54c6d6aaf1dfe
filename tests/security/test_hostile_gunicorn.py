"""No upload holds a worker: gunicorn with 4 workers takes 8 hostile rosters at once, refuses
each clearly within 2 s, and /healthz and a worker's due list answer within 1 s throughout."""

import http.client
import re
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from tests.security.test_security_gunicorn import call, gunicorn  # noqa: F401  (the fixture)
from tests.support.factories import PASSWORD
from tests.support.security import hostile_files as hostile

UPLOADS = [  # (file name, bytes, the reason the page gives)
    ("bomb.xlsx", hostile.zip_bomb, "Excel文件解压后超过50MB"),
    ("dense.xlsx", hostile.dense_bomb, "Excel文件的压缩比异常"),
    ("dimension.xlsx", hostile.lying_dimension, "名单超过500000个单元格"),
    ("wide.xlsx", hostile.wide_xlsx, "名单超过100列"),
    ("laughs.xlsx", hostile.billion_laughs, "Excel文件含有不允许的内容"),
    ("line.csv", hostile.csv_one_line, "CSV文件中有一行超过10000个字符"),
    ("wide.csv", hostile.wide_csv, "CSV文件中有一行超过10000个字符"),
    ("field.csv", hostile.csv_long_field, "CSV文件中有一行超过10000个字符"),
]


def session(port, username):
    """Log in through the form; return the session cookie."""
    _status, page, set_cookie = call(port, "GET", "/login")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    cookie = set_cookie.split(";", 1)[0]
    status, _body, set_cookie = call(port, "POST", "/login", {"csrf_token": token, "username": username,
                                                             "password": PASSWORD}, cookie)
    assert status == 302
    return set_cookie.split(";", 1)[0]


def upload_form(port, cookie):
    """The session cookie, and the form fields of its roster page (CSRF token, a project)."""
    _status, page, _cookie = call(port, "GET", "/supervisor/roster", cookie=cookie)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return cookie, {"csrf_token": token, "project": re.search(r'<option value="(\d+)"', page).group(1)}


def multipart(fields, filename, data):
    boundary = uuid.uuid4().hex
    head = "".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
                   for k, v in fields.items())
    head += (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
             "Content-Type: application/octet-stream\r\n\r\n")
    return head.encode() + data + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def upload(port, cookie, form, filename, data):
    """POST one roster; return (seconds taken, status, page)."""
    body, content_type = multipart(form, filename, data)
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("POST", "/supervisor/roster", body=body,
                 headers={"Cookie": cookie, "Content-Type": content_type, "Connection": "close"})
    response = conn.getresponse()
    page = response.read().decode()
    conn.close()
    return time.monotonic() - started, response.status, page


def probe(port, cookie, stop, answers):
    """Until stop is set: GET /healthz and the worker's due list, recording (path, status, seconds)."""
    while not stop.is_set():
        for path, who in (("/healthz", None), ("/", cookie)):
            started = time.monotonic()
            status, _body, _cookie = call(port, "GET", path, cookie=who)
            answers.append((path, status, time.monotonic() - started))


def test_eight_hostile_uploads_at_once_neither_hold_a_worker_nor_stop_the_site(gunicorn):  # noqa: F811
    port, _uri, (_access_log, error_log) = gunicorn
    files = [(name, make(), reason) for name, make, reason in UPLOADS]
    supervisors = [upload_form(port, session(port, "lvyuan-supervisor")) for _ in files]
    worker = session(port, "demo-worker")
    stop, answers = threading.Event(), []
    prober = threading.Thread(target=probe, args=(port, worker, stop, answers))
    prober.start()
    try:
        time.sleep(0.3)  # the probes answer before the burst too
        with ThreadPoolExecutor(max_workers=len(files)) as pool:
            results = list(pool.map(
                lambda item: upload(port, *item[0], *item[1][:2]),
                zip(supervisors, files, strict=True)))
        time.sleep(0.3)
    finally:
        stop.set()
        prober.join(timeout=30)
    for (name, _data, reason), (seconds, status, page) in zip(files, results, strict=True):
        assert status == 400 and reason in page, f"{name}: {status}"
        assert seconds < 2, f"{name} took {seconds:.2f} s"
    assert {path for path, _status, _seconds in answers} == {"/healthz", "/"}
    slow = [a for a in answers if a[1] != 200 or a[2] >= 1]
    assert slow == [], slow
    assert "WORKER TIMEOUT" not in error_log.read_text()
