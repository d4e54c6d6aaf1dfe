"""Scan every response body and every log line of the suite for full ID numbers.

Wired into tests/conftest.py. Every Flask test client is replaced by one that scans
what it receives (each redirect hop too, zipped files such as .xlsx unpacked); the
request_finished signal scans answers of live servers (browser tests); a handler on
the root logger scans log records. A full ID number may appear only where the
request revealed it on purpose (workflow.privacy marks it) or where the request
itself carried it (a form echoing what the user typed). Any other one fails the test
that caused it, at teardown.
"""

import io
import logging
import zipfile

import flask
import pytest
from flask.testing import FlaskClient

from workflow.privacy.identity import InvalidValue, clean_id_number
from workflow.privacy.reveal import ID_PATTERN, REVEALED_KEY, scrub

MARKER = "pii_leak_expected"
FROM_TEST_CLIENT = "dongqian.test_client"
# Loggers raised to INFO during tests so their records exist to be scanned.
APP_LOGGERS = ("wsgi", "workflow", "web", "scheduler", "forms", "gunicorn.error")


class Scan:
    """What one test produced: counts and the leaks found."""

    def __init__(self):
        self.responses = self.records = 0
        self.leaks = []


current = Scan()
totals = {"responses": 0, "records": 0, "leaks": 0}


def _valid(number):
    try:
        clean_id_number(number)
    except InvalidValue:
        return False
    return True


def id_numbers(text):
    """Every valid 18-character ID number (check digit, date, region) in text."""
    return {m.group(0).upper() for m in ID_PATTERN.finditer(text or "") if _valid(m.group(0).upper())}


def body_text(data):
    """The text of a body; a zip (xlsx, docx) is unpacked member by member."""
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
        except zipfile.BadZipFile:
            pass
    return data.decode("utf-8", "replace")


def check_body(where, data, allowed):
    current.responses += 1
    found = id_numbers(body_text(data)) - allowed
    for number in sorted(found):
        current.leaks.append(f"{where}: full ID number {number[:4]}…{number[-4:]} in the response")


def _uploads(value):
    """The bytes of files in form data: (file, name) tuples and file objects."""
    if isinstance(value, dict):
        return [b for item in value.values() for b in _uploads(item)]
    if isinstance(value, (list, tuple)):
        return [b for item in value for b in _uploads(item)]
    if hasattr(value, "getvalue"):
        return [value.getvalue()]
    return []


def typed_numbers(args, kwargs):
    """ID numbers the request itself carries: URL, form fields, JSON, uploaded files."""
    text = repr(args) + repr(kwargs)
    for data in _uploads(kwargs.get("data")):
        text += body_text(data if isinstance(data, bytes) else str(data).encode())
    return id_numbers(text)


class ScanningClient(FlaskClient):
    """A FlaskClient that scans every response it receives."""

    def open(self, *args, **kwargs):
        typed = typed_numbers(args, kwargs)
        # The app sees a shallow copy of the environ: a set placed here is shared with it,
        # so numbers workflow.privacy reveals in the request come back to this check.
        revealed = set()
        overrides = dict(kwargs.pop("environ_overrides", None) or {})
        overrides.update({FROM_TEST_CLIENT: True, REVEALED_KEY: revealed})
        response = super().open(*args, environ_overrides=overrides, **kwargs)
        for hop in [*getattr(response, "history", ()), response]:
            environ = hop.request.environ
            allowed = typed | revealed | id_numbers(environ.get("QUERY_STRING", ""))
            check_body(f"{environ['REQUEST_METHOD']} {hop.request.path} -> {hop.status_code}",
                       hop.get_data(), allowed)
        return response


def scan_live_response(sender, response, **extra):
    """Scan what a live server (not the test client) answers."""
    environ = flask.request.environ
    if environ.get(FROM_TEST_CLIENT) or response.direct_passthrough or response.is_streamed:
        return
    allowed = environ.get(REVEALED_KEY, set()) | id_numbers(environ.get("QUERY_STRING", ""))
    allowed |= id_numbers(repr(flask.request.form.to_dict()))
    check_body(f"live {flask.request.method} {flask.request.path}", response.get_data(), allowed)


def scan_record(record):
    """Scan the formatted message (and traceback) of a log record as it is made."""
    current.records += 1
    try:
        text = record.getMessage()
    except Exception:  # a broken format string is not this check's concern
        text = str(record.msg)
    if record.exc_info and record.exc_info[0] is not None:
        text += logging.Formatter().formatException(record.exc_info)
    for number in sorted(id_numbers(text)):
        current.leaks.append(f"log {record.name}:{record.levelname}: full ID number "
                             f"{number[:4]}…{number[-4:]} in {scrub(text)[:100]!r}")


def install_record_scanner():
    """Scan every log record made. A record factory, because logging.config (Alembic's
    env.py) replaces the root logger's handlers but never the factory."""
    previous = logging.getLogRecordFactory()

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        scan_record(record)
        return record

    logging.setLogRecordFactory(factory)


def pytest_configure(config):
    config.addinivalue_line("markers", f"{MARKER}: the test provokes a PII leak on purpose and "
                                       "checks the scanner found it (pii_scan fixture)")
    flask.Flask.test_client_class = ScanningClient
    flask.request_finished.connect(scan_live_response)
    install_record_scanner()
    for name in APP_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.INFO)


@pytest.fixture(autouse=True)
def pii_scan(request):
    """Fail the test that let a full ID number into a response or a log line."""
    global current
    current = Scan()
    yield current
    totals["responses"] += current.responses
    totals["records"] += current.records
    totals["leaks"] += len(current.leaks)
    if current.leaks and request.node.get_closest_marker(MARKER) is None:
        pytest.fail("full ID numbers outside the reveal views:\n" + "\n".join(current.leaks[:20]))


def pytest_terminal_summary(terminalreporter):
    terminalreporter.write_line(
        f"PII scan: {totals['responses']} responses and {totals['records']} log records scanned "
        f"for full ID numbers"
    )
