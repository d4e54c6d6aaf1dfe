"""Scheduler fixtures: explicit instants, a real SMTP server and a real robot on loopback."""

import json
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from scheduler import jobs
from tests.support import free_port, frozen  # noqa: F401  (frozen: the scheduler tests import it from here)
from workflow.db import db
from workflow.models import OutboxMessage

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*args):
    """An aware instant in Asia/Shanghai: local(2026, 12, 1, 8, 30)."""
    return datetime(*args, tzinfo=SHANGHAI)


def outbox(kind=None):
    """[(kind, recipient, case_id)] of every stored message, in order of writing."""
    db.session.expire_all()
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return [(m.kind, m.recipient, m.case_id) for m in db.session.scalars(query)]


@pytest.fixture
def run(app):
    """The job functions, bound to the test app (each pushes its own app context)."""
    jobs.bind(app, scheduler=None, lock=None, started_at=None, holder="test")
    return jobs



class Mailbox:
    """aiosmtpd handler that keeps every envelope it receives."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(app):
    """A real SMTP server on 127.0.0.1; the app is configured to send to it."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port, SMTP_SENDER="reminders@dongqian.test")
    yield mailbox
    controller.stop()


class Robot(ThreadingHTTPServer):
    """A group robot stand-in: records each POST; answers from a script of replies."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), RobotHandler)
        self.posts = []
        self.replies = []  # (status, body) used in order; then {"errcode": 0}

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_port}/cgi-bin/webhook/send?key=test-robot-key"


class RobotHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers["Content-Length"])
        self.server.posts.append({"path": self.path, "content_type": self.headers["Content-Type"],
                                  "json": json.loads(self.rfile.read(length))})
        status, body = self.server.replies.pop(0) if self.server.replies else (200, {"errcode": 0, "errmsg": "ok"})
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def robot():
    """A real HTTP server on 127.0.0.1 that takes robot messages."""
    server = Robot()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)
