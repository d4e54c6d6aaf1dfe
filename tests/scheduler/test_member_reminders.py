"""Check-in requests to members: robot @-mentions, a real SMS gateway on loopback, never twice."""

import base64
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from tests.scheduler.conftest import frozen, local, outbox
from workflow.cases import registration
from workflow.db import db
from workflow.member import links
from workflow.models import Delivery, InboxItem, OutboxMessage, RegistrationEntry, SmsReceipt

T0 = local(2026, 11, 20, 9, 0)
DUE_SOON = T0 + timedelta(days=29)  # a party member's 30-day rhythm, inside the 2-day lead


class Gateway(ThreadingHTTPServer):
    """An SMS gateway stand-in: Basic auth, JSON in, {"status", "id"} out; records each POST."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), GatewayHandler)
        self.posts, self.status = [], "accepted"

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_port}/api/sms/send"


class GatewayHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        expected = "Basic " + base64.b64encode(b"dongqian:gw-secret").decode()
        if self.headers.get("Authorization") != expected:
            self.send_response(401)
            self.end_headers()
            return
        length = int(self.headers["Content-Length"])
        self.server.posts.append(json.loads(self.rfile.read(length)))
        data = json.dumps({"status": self.server.status, "id": f"gw-{len(self.server.posts)}"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(app):
    server = Gateway()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config.update(SMS_GATEWAY_URL=server.url, SMS_GATEWAY_USERNAME="dongqian", SMS_GATEWAY_PASSWORD="gw-secret")
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def member_case(make, app, **link):
    app.config["MEMBER_CHECKIN_REMINDERS"] = True
    with frozen(T0):
        case = make.case("following", member=True)
        links.issue(case, make.user("demo-worker"), **link)
    return case


def mobile_of(case):
    return registration.current_entries(case.id)["contact"].phone


def test_the_group_robot_mentions_the_member_by_mobile_for_wecom_and_dingtalk(run, app, make, robot):
    make.unit("绿苑小区楼院党支部").webhook_url = robot.url
    db.session.commit()
    case = member_case(make, app)
    run.member_checkins(DUE_SOON)
    run.deliver_due(DUE_SOON)
    [post] = robot.posts
    text = post["json"]["text"]
    assert text["mentioned_mobile_list"] == [mobile_of(case)]  # 企业微信
    assert post["json"]["at"] == {"atMobiles": [mobile_of(case)]}  # 钉钉
    assert text["content"].startswith("【动迁登记跟踪】平安报到提醒\n") and "平安报到" in text["content"]


def test_the_sms_gateway_gets_the_request_and_its_answer_is_recorded(run, app, make, gateway):
    case = member_case(make, app)
    run.member_checkins(DUE_SOON)
    run.deliver_due(DUE_SOON)
    [post] = gateway.posts
    assert post["to"] == mobile_of(case) and post["text"].startswith("【动迁登记跟踪】平安报到提醒：")
    [delivery] = db.session.scalars(select(Delivery).where(Delivery.channel == "sms")).all()
    assert delivery.status == "sent" and post["reference"] == f"dongqian-{delivery.id}"
    [receipt] = db.session.scalars(select(SmsReceipt)).all()
    assert (receipt.delivery_id, receipt.reference, receipt.status) == (delivery.id, "gw-1", "accepted")


def test_a_refused_sms_is_recorded_and_retried(run, app, make, gateway):
    gateway.status = "rejected_blacklist"
    member_case(make, app)
    run.member_checkins(DUE_SOON)
    run.deliver_due(DUE_SOON)
    db.session.expire_all()
    [delivery] = db.session.scalars(select(Delivery).where(Delivery.channel == "sms")).all()
    assert delivery.status == "pending" and "rejected_blacklist" in delivery.last_error
    assert [r.status for r in db.session.scalars(select(SmsReceipt))] == ["rejected_blacklist"]


def test_two_runs_send_nothing_twice(run, app, make, robot, gateway, smtp_server):
    make.unit("绿苑小区楼院党支部").webhook_url = robot.url
    db.session.commit()
    member_case(make, app, email="member@example.invalid")
    for _ in range(2):
        run.member_checkins(DUE_SOON)
        run.deliver_due(DUE_SOON)
    run.member_checkins(DUE_SOON + timedelta(hours=1))
    run.deliver_due(DUE_SOON + timedelta(hours=1))
    assert len(robot.posts) == 1 and len(gateway.posts) == 1 and len(smtp_server.envelopes) == 1
    assert smtp_server.envelopes[0].rcpt_tos == ["member@example.invalid"]
    assert len(outbox("checkin_request")) == 1


def test_a_member_no_channel_reaches_is_shown_to_the_worker(run, app, make):
    case = member_case(make, app)
    run.member_checkins(DUE_SOON)
    run.member_checkins(DUE_SOON)
    run.deliver_due(DUE_SOON)
    items = db.session.scalars(select(InboxItem).where(InboxItem.kind == "no_channel")).all()
    assert len(items) == 1 and items[0].user_id == case.worker_id and "无可用联系渠道" in items[0].title
    assert outbox("checkin_request") == []


def test_the_link_sent_to_the_group_is_sealed_in_the_outbox_and_opened_for_the_robot(app, make, robot, run):
    app.config["PUBLIC_BASE_URL"] = "https://dongqian.example.gov.cn"
    make.unit("绿苑小区楼院党支部").webhook_url = robot.url
    db.session.commit()
    case = make.case("following")
    token = links.issue(case, make.user("demo-worker"), to_group=True)
    stored = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "member_link"))
    assert token not in (stored.link + stored.body + stored.title)
    run.deliver_due(None)
    [post] = robot.posts
    assert f"https://dongqian.example.gov.cn/m/{token}" in post["json"]["text"]["content"]
    assert post["json"]["text"]["mentioned_mobile_list"] == [mobile_of(case)]
    assert db.session.scalar(select(RegistrationEntry.id).where(RegistrationEntry.case_id == case.id)) is not None


def test_the_check_in_job_is_scheduled_only_when_turned_on(app):
    from scheduler import jobs

    assert "member_checkins" not in {spec.id for spec in jobs.specs(app.config)}
    assert "member_checkins" in {spec.id for spec in jobs.specs({**app.config, "MEMBER_CHECKIN_REMINDERS": True})}
