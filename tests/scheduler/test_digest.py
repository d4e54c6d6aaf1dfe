"""The daily digest: one message per worker, due today and overdue, at the local digest time."""

from datetime import timedelta

from sqlalchemy import select

from scheduler.digest import latest_instant
from tests.scheduler.conftest import frozen, local, outbox
from workflow.db import db
from workflow.models import OutboxMessage
from workflow.process.engine import get_engine


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
    assert result.people == 2 and result.written == 2
    demo = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == f"user:{make.user('demo-worker').id}"))
    assert demo.kind == "digest" and demo.case_id is None
    assert demo.title == "每日待办 12-01：已逾期2件，今日到期1件"
    assert demo.body.splitlines() == [  # grouped by what to do, the most urgent first
        "待走访（3件，其中逾期2件）：",
        f"· {later.person.name} 逾期4天",
        f"· {late.person.name} 逾期3天",
        f"· {today.person.name} 今日17:00到期",
    ]
    assert future.person.name not in demo.body and other.person.name not in demo.body
    qingjiang = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == f"user:{make.user('qingjiang-worker').id}"))
    assert qingjiang.body.splitlines() == ["待走访（1件）：", f"· {other.person.name} 今日10:00到期"]


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
    assert body.splitlines()[0] == "待走访（3件，其中逾期3件）：" and body.splitlines()[-1] == "……另有2件，请在系统中查看"


def test_reviews_and_incoming_handovers_go_to_whoever_acts_next(run, make, backend):
    with frozen(local(2026, 11, 20, 8, 0)):
        mine = make.case("identified")  # due 11-27: the worker's own
        review = make.case("in_review")  # due 11-23: the community supervisor reviews it
        handover = make.case("following")
    with frozen(local(2026, 11, 21, 8, 0)):
        get_engine().fire(handover, "hand_over", make.user("demo-worker"), kind="resettle",
                          to_unit=make.unit("清江社区党总支"))  # the receiver answers by 11-28
    run.daily_digest(local(2026, 12, 1, 8, 30))

    def digest_of(username):
        recipient = f"user:{make.user(username).id}"
        return db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == recipient,
                                                             OutboxMessage.kind == "digest"))

    worker = digest_of("demo-worker")
    assert worker.title == "每日待办 12-01：已逾期1件，今日到期0件，另有2件等待他人"
    assert mine.person.name in worker.body and review.person.name not in worker.body
    assert handover.person.name not in worker.body
    assert worker.body.splitlines()[-1] == "另有2件在等待他人（审核或对方接收），不计入您的逾期。"
    reviewer = digest_of("lvyuan-supervisor")
    assert review.person.name in reviewer.body and mine.person.name not in reviewer.body
    assert digest_of("demo-supervisor") is None  # the street's supervisor is not the nearest reviewer
    receiver = digest_of("qingjiang-worker")
    assert handover.person.name in receiver.body and "移交中·待对方接收（1件，其中逾期1件）：" in receiver.body


def test_digest_time_and_zone_are_settings(app):
    assert latest_instant(local(2026, 12, 1, 8, 29)) == local(2026, 11, 30, 8, 30)
    assert latest_instant(local(2026, 12, 1, 8, 30)) == local(2026, 12, 1, 8, 30)
    app.config.update(DIGEST_TIME="18:00", SCHEDULER_TIMEZONE="Asia/Urumqi")
    urumqi = local(2026, 12, 1, 20, 0)  # 18:00 in Urumqi (UTC+6)
    assert latest_instant(urumqi) == urumqi and latest_instant(urumqi - timedelta(minutes=1)) == urumqi - timedelta(days=1)
