"""Delivery over real channels on loopback: SMTP (aiosmtpd), a robot webhook, the inbox."""

import email
from datetime import timedelta
from email import policy

from sqlalchemy import select

from tests.scheduler.conftest import free_port, frozen, local
from workflow.cases import registration
from workflow.db import db
from workflow.models import Delivery, InboxItem, OutboxMessage
from workflow.outbox import notify

T0 = local(2026, 11, 20, 9, 0)


def made(make, state="identified", **kwargs):
    with frozen(T0):
        return make.case(state, **kwargs)


def deliveries(channel=None):
    db.session.expire_all()
    query = select(Delivery).order_by(Delivery.id)
    if channel:
        query = query.where(Delivery.channel == channel)
    return db.session.scalars(query).all()


def attempts(delivery):
    return [(a.ok, a.error) for a in delivery.attempt_log]


def test_reminder_email_reaches_a_real_smtp_server(run, app, make, smtp_server):
    app.config["PUBLIC_BASE_URL"] = "https://dongqian.example.gov.cn/"
    case = made(make)
    now = local(2026, 11, 30, 10, 0)
    run.scan_due(now)
    result = run.deliver_due(now)
    assert result.outcomes == {"sent": 2}  # inbox and e-mail
    [envelope] = smtp_server.envelopes
    assert envelope.rcpt_tos == ["demo-worker@example.invalid"]
    assert envelope.mail_from == "reminders@dongqian.test"
    mail = email.message_from_bytes(envelope.original_content, policy=policy.default)
    assert mail["Subject"] == f"已逾期：{case.person.name}（待走访）"
    assert mail["To"] == "王晓红 <demo-worker@example.invalid>"
    body = mail.get_content()
    assert "已逾期3天" in body and f"https://dongqian.example.gov.cn/cases/{case.id}" in body
    [sent] = deliveries("email")
    assert sent.status == "sent" and sent.sent_at == now and attempts(sent) == [(True, None)]


def test_robot_webhook_gets_the_text_message_json_of_wecom_and_dingtalk(run, make, robot):
    make.unit("绿苑社区党总支").webhook_url = robot.url  # the nearest unit above the case
    db.session.commit()
    case = made(make, "lost")
    now = T0 + timedelta(hours=2)
    run.scan_due(now)
    run.deliver_due(now)
    [post] = robot.posts
    assert post["path"] == "/cgi-bin/webhook/send?key=test-robot-key"
    assert post["content_type"] == "application/json; charset=utf-8"
    assert set(post["json"]) == {"msgtype", "text"} and post["json"]["msgtype"] == "text"
    content = post["json"]["text"]["content"]
    assert content.startswith(f"【动迁登记跟踪】失联督办：{case.person.name}\n")
    assert "绿苑小区楼院党支部" in content and "失联" in content
    assert case.person.id_masked not in content


def test_member_gets_the_organisational_life_reminder_in_the_branch_group(run, app, make, robot):
    app.config["MEMBER_REMINDERS"] = True
    make.unit("绿苑小区楼院党支部").webhook_url = robot.url
    db.session.commit()
    member = made(make, "following", member=True)  # due 12-20 09:00 (30-day rhythm)
    opted_out = made(make, "following", member=True)
    opted_out.person.reminder_opt_out = True
    resident = made(make, "following", member=False)
    resident.next_due_at = member.next_due_at
    db.session.commit()
    phone = _phone(member)
    now = local(2026, 12, 19, 10, 0)
    run.scan_due(now)
    run.deliver_due(now)
    org_life = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "org_life")).all()
    assert [(m.recipient, m.case_id) for m in org_life] == [(f"person:{member.person.id}", member.id)]
    [post] = robot.posts
    assert post["json"]["text"]["mentioned_mobile_list"] == [phone]
    assert post["json"]["at"] == {"atMobiles": [phone]}
    content = post["json"]["text"]["content"]
    assert f"{member.person.name}同志" in content and "组织生活" in content
    assert phone not in content  # the mention carries the number, the text does not


def test_member_reminders_are_off_by_default(run, make, robot):
    make.unit("绿苑小区楼院党支部").webhook_url = robot.url
    db.session.commit()
    made(make, "following", member=True)
    run.scan_due(local(2026, 12, 19, 10, 0))
    run.deliver_due(local(2026, 12, 19, 10, 0))
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "org_life")) is None
    assert robot.posts == []


def test_failing_robot_is_retried_with_backoff_while_other_channels_deliver(run, make, robot, smtp_server):
    make.unit("绿苑小区楼院党支部").webhook_url = robot.url
    db.session.commit()
    robot.replies = [(500, {"error": "busy"}), (200, {"errcode": 93000, "errmsg": "invalid webhook url"})]
    made(make, "lost")
    t = T0 + timedelta(hours=1)
    run.scan_due(t)
    first = run.deliver_due(t)
    assert first.outcomes == {"sent": 2, "retry": 1}  # the nearest supervisor × (inbox, e-mail); the robot failed
    assert len(smtp_server.envelopes) == 1 and len(db.session.scalars(select(InboxItem)).all()) == 1
    [hook] = deliveries("webhook")
    assert hook.status == "pending" and hook.next_attempt_at == t + timedelta(seconds=60)
    run.deliver_due(t + timedelta(seconds=59))
    assert len(robot.posts) == 1  # not due yet: nothing tried
    run.deliver_due(t + timedelta(seconds=60))
    [hook] = deliveries("webhook")
    assert hook.next_attempt_at == t + timedelta(seconds=60 + 120)  # the wait doubled
    run.deliver_due(t + timedelta(seconds=179))
    assert len(robot.posts) == 2
    last = run.deliver_due(t + timedelta(seconds=180))
    assert last.outcomes == {"sent": 1} and len(robot.posts) == 3
    [hook] = deliveries("webhook")
    assert hook.status == "sent" and hook.attempts == 3
    assert attempts(hook) == [(False, "webhook: HTTP 500"),
                              (False, "webhook: errcode 93000: invalid webhook url"), (True, None)]
    assert len(smtp_server.envelopes) == 1  # nothing sent twice


def test_unreachable_smtp_gives_up_after_the_last_attempt_and_the_inbox_still_gets_it(run, app, make):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), DELIVERY_MAX_ATTEMPTS=2)
    made(make)
    t = local(2026, 11, 30, 10, 0)
    run.scan_due(t)
    run.deliver_due(t)
    run.deliver_due(t + timedelta(minutes=1))
    [mail] = deliveries("email")
    [inbox] = deliveries("inbox")
    assert inbox.status == "sent" and len(db.session.scalars(select(InboxItem)).all()) == 1
    assert mail.status == "failed" and mail.attempts == 2
    assert [ok for ok, _e in attempts(mail)] == [False, False]
    assert all("ConnectionRefusedError" in error for _ok, error in attempts(mail))
    assert run.deliver_due(t + timedelta(days=1)).outcomes == {}  # given up: not tried again


def _phone(case):
    return registration.current_entries(case.id)["contact"].phone


def test_notify_reaches_a_unit_robot_and_a_person_through_their_branch(run, make, robot):
    make.unit("绿苑小区楼院党支部").webhook_url = robot.url
    db.session.commit()
    case = made(make, "following", member=True)
    assert notify(make.unit("绿苑小区楼院党支部"), "notice", "本周六开展主题党日", "地点：社区活动室")
    assert notify(case.person, "notice", "请回复近况", case=case)
    db.session.commit()
    assert run.deliver_due().outcomes == {"sent": 2}
    contents = [(p["json"]["text"]["content"], p["json"]["text"].get("mentioned_mobile_list")) for p in robot.posts]
    assert contents == [("【动迁登记跟踪】本周六开展主题党日\n地点：社区活动室", None),
                        ("【动迁登记跟踪】请回复近况\n", [_phone(case)])]
