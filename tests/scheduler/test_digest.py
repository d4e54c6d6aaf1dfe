"""The daily digest: one message per worker, due today and overdue, at the local digest time."""

from datetime import timedelta

from sqlalchemy import select

from scheduler.digest import latest_instant
from tests.scheduler.conftest import frozen, local, outbox
from workflow.db import db
from workflow.models import OutboxMessage


def made(make, when, **kwargs):
    """A 待走访 case listed at when, so due exactly seven days later."""
    with frozen(when):
        return make.case("identified", **kwargs)


def test_digest_lists_what_is_due_today_and_what_is_overdue_in_one_message(run, make):
    today = made(make, local(2026, 11, 24, 17, 0))  # due 12-01 17:00
    late = made(make, local(2026, 11, 21, 8, 0))  # due 11-28 08:00
    later = made(make, local(2026, 11, 20, 8, 0))  # due 11-27 08:00: the oldest first
    future = made(make, local(2026, 11, 28, 9, 0))  # due 12-05: not in today's digest
    other = made(make, local(2026, 11, 24, 10, 0), unit="清江花园楼院党支部", worker="qingjiang-worker")
    result = run.daily_digest(local(2026, 12, 1, 8, 30))
    assert result.workers == 2 and result.written == 2
    demo = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == f"user:{make.user('demo-worker').id}"))
    assert demo.kind == "digest" and demo.case_id is None
    assert demo.title == "每日待办 12-01：今日到期1件，已逾期2件"
    assert demo.body.splitlines() == [
        "今日到期（1件）：",
        f"· {today.person.name}（待走访）期限17:00",
        "已逾期（2件）：",
        f"· {later.person.name}（待走访）逾期4天",
        f"· {late.person.name}（待走访）逾期3天",
    ]
    assert future.person.name not in demo.body and other.person.name not in demo.body
    qingjiang = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == f"user:{make.user('qingjiang-worker').id}"))
    assert qingjiang.body.splitlines() == ["今日到期（1件）：", f"· {other.person.name}（待走访）期限10:00"]


def test_digest_is_written_once_per_worker_and_day(run, make):
    made(make, local(2026, 11, 24, 17, 0))
    run.daily_digest(local(2026, 12, 1, 8, 30))
    again = run.daily_digest(local(2026, 12, 1, 14, 0))  # a restart later that day
    assert again.written == 0 and again.existing == 1
    assert len(outbox("digest")) == 1
    run.daily_digest(local(2026, 12, 2, 8, 30))  # the next day: a new one (still overdue)
    assert len(outbox("digest")) == 2


def test_worker_with_nothing_due_gets_no_digest(run, make):
    made(make, local(2026, 11, 28, 9, 0))  # due 12-05
    assert run.daily_digest(local(2026, 12, 1, 8, 30)).written == 0
    assert outbox() == []


def test_long_digest_lists_the_first_items_and_says_how_many_more(run, app, make):
    app.config["DIGEST_MAX_ITEMS"] = 1
    for day in (20, 21, 22):
        made(make, local(2026, 11, day, 8, 0))
    run.daily_digest(local(2026, 12, 1, 8, 30))
    body = db.session.scalar(select(OutboxMessage.body))
    assert body.splitlines()[0] == "已逾期（3件）：" and body.splitlines()[-1] == "……另有2件，请在系统中查看"


def test_digest_time_and_zone_are_settings(app):
    assert latest_instant(local(2026, 12, 1, 8, 29)) == local(2026, 11, 30, 8, 30)
    assert latest_instant(local(2026, 12, 1, 8, 30)) == local(2026, 12, 1, 8, 30)
    app.config.update(DIGEST_TIME="18:00", SCHEDULER_TIMEZONE="Asia/Urumqi")
    urumqi = local(2026, 12, 1, 20, 0)  # 18:00 in Urumqi (UTC+6)
    assert latest_instant(urumqi) == urumqi and latest_instant(urumqi - timedelta(minutes=1)) == urumqi - timedelta(days=1)
