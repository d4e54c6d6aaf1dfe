"""The due-and-overdue scan, run at explicit instants: who is told what, and only once."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from scheduler import scan
from tests.scheduler.conftest import frozen, local, outbox
from workflow.db import db
from workflow.models import Delivery, OutboxMessage
from workflow.models.case import SCAN_TO_COME, SCAN_UNHANDLED
from workflow.outbox import enqueue_many
from workflow.process.engine import get_engine

T0 = local(2026, 11, 20, 9, 0)  # cases are made then; 待走访 is due 7 days later, 11-27 09:00


@pytest.fixture
def ids(make):
    """User ids by username, and the recipient key of each."""
    return {name: f"user:{make.user(name).id}" for name in
            ("demo-worker", "demo-supervisor", "lvyuan-supervisor", "qingjiang-worker", "demo-admin")}


def made(make, state="identified", when=T0, **kwargs):
    with frozen(when):
        return make.case(state, **kwargs)


def test_near_due_deadline_reminds_the_worker_once(run, make, ids):
    case = made(make)
    run.scan_due(local(2026, 11, 24, 8, 0))  # three days ahead: not yet
    assert outbox() == []
    run.scan_due(local(2026, 11, 25, 10, 0))  # inside the two-day lead
    run.scan_due(local(2026, 11, 26, 10, 0))
    assert outbox() == [("near_due", ids["demo-worker"], case.id)]
    message = db.session.scalar(select(OutboxMessage))
    assert message.title == f"即将到期：{case.person.name}（待走访）"
    assert "期限是11-27 09:00，还有1天" in message.body
    assert message.link == f"/cases/{case.id}"


def test_overdue_reminds_the_worker_but_not_yet_the_supervisors(run, make, ids):
    case = made(make)
    result = run.scan_due(local(2026, 11, 30, 10, 0))
    assert outbox() == [("overdue", ids["demo-worker"], case.id)]
    assert "已逾期3天" in db.session.scalar(select(OutboxMessage.body))
    assert result.written == {"overdue": 1}


def digest_to(make, username):
    """The body of the user's daily digest, or None."""
    return db.session.scalar(select(OutboxMessage.body).where(
        OutboxMessage.kind == "digest", OutboxMessage.recipient == f"user:{make.user(username).id}"))


def test_overdue_beyond_seven_days_goes_on_the_nearest_supervisors_daily_list(run, make, ids):
    lvyuan = made(make)
    qingjiang = made(make, unit="清江花园楼院党支部", worker="qingjiang-worker")  # 清江社区 has no supervisor
    run.scan_due(local(2026, 12, 5, 10, 0))  # eight days late
    assert outbox("escalation") == []  # not one notice per case: one 督办 list a day
    run.daily_digest(local(2026, 12, 6, 8, 30))
    community, street = digest_to(make, "lvyuan-supervisor"), digest_to(make, "demo-supervisor")
    assert "督办·逾期超过7天（1件）：" in community
    assert f"· {lvyuan.person.name}（绿苑小区楼院党支部，待走访）逾期8天" in community
    assert qingjiang.person.name not in community
    # the street hears only of the community without a supervisor of its own
    assert qingjiang.person.name in street and lvyuan.person.name not in street
    assert digest_to(make, "demo-admin") is None


def test_the_daily_list_starts_past_the_escalation_line(run, make):
    made(make)
    run.daily_digest(local(2026, 12, 4, 8, 30))  # late 6 days 23.5 hours: the worker's, not yet 督办
    assert digest_to(make, "lvyuan-supervisor") is None
    assert digest_to(make, "demo-worker") is not None


def test_escalation_threshold_and_levels_are_settings(run, app, make, ids):
    case = made(make)
    app.config["ESCALATION_DAYS"] = 3
    app.config["ESCALATION_LEVELS"] = 2  # the street hears of the community's cases too
    run.daily_digest(local(2026, 12, 2, 8, 30))  # four days late
    assert "督办·逾期超过3天（1件）：" in digest_to(make, "lvyuan-supervisor")
    assert case.person.name in digest_to(make, "demo-supervisor")


def test_lost_case_goes_to_the_supervisors_at_once(run, make, ids):
    case = made(make, "lost")
    run.scan_due(T0 + timedelta(hours=1))
    assert outbox() == [("lost", ids["lvyuan-supervisor"], case.id)]  # the nearest supervisor, not the street
    title = db.session.scalar(select(OutboxMessage.title).limit(1))
    assert title == f"失联督办：{case.person.name}"


def test_six_months_without_contact_is_a_serious_case_for_the_supervisor(run, make, ids):
    case = made(make, "following", member=True)  # moved out at T0; due every 30 days
    run.scan_due(T0 + timedelta(days=150))
    assert outbox("serious") == []
    run.scan_due(T0 + timedelta(days=183))
    assert outbox("serious") == [("serious", ids["lvyuan-supervisor"], case.id)]
    body = db.session.scalar(select(OutboxMessage.body).where(OutboxMessage.kind == "serious").limit(1))
    assert "自2026-11-20起已183天未联系" in body


def test_handover_waiting_for_an_answer_reminds_the_receiving_unit(run, make, ids):
    case = made(make, "following")
    with frozen(T0):
        get_engine().fire(case, "hand_over", make.user("demo-worker"), kind="resettle",
                          to_unit=make.unit("清江社区党总支"))
    run.scan_due(T0 + timedelta(days=6))  # due soon: only the receiver, whose answer it is
    assert outbox() == [("near_due", ids["qingjiang-worker"], case.id)]
    run.scan_due(T0 + timedelta(days=8))  # the receiver had seven days: late, so the sender hears too
    assert outbox("overdue") == [("overdue", ids["qingjiang-worker"], case.id), ("overdue", ids["demo-worker"], case.id)]
    run.daily_digest(T0 + timedelta(days=15))
    # late past the line: on the 督办 list of both sides' nearest supervisors (清江社区 has none: the street)
    assert case.person.name in digest_to(make, "lvyuan-supervisor")
    assert case.person.name in digest_to(make, "demo-supervisor")


def test_case_without_a_worker_goes_to_the_workers_of_the_nearest_unit(run, make, ids):
    case = made(make)
    case.worker_id = None
    db.session.commit()
    run.scan_due(local(2026, 11, 28, 10, 0))
    assert outbox() == [("overdue", ids["demo-worker"], case.id)]


def test_scan_run_twice_writes_each_reminder_once(run, make):
    made(make)
    made(make, "lost")
    made(make, "identified", when=T0 - timedelta(days=10))  # escalated by 12-01
    made(make, "identified", when=T0 + timedelta(days=5))  # near due on 12-01
    first = run.scan_due(local(2026, 12, 1, 8, 30))
    before = outbox()
    second = run.scan_due(local(2026, 12, 1, 8, 30))
    assert outbox() == before and len(before) == sum(first.written.values()) == 4
    assert second.cases == 0 and sum(second.written.values()) == 0  # each case is marked handled
    with db.engine.begin() as conn:  # the marks lost (as after `scheduler rescan`): the outbox key holds
        conn.execute(text("UPDATE cases SET scanned_version = NULL"))
    third = run.scan_due(local(2026, 12, 1, 8, 30))
    assert third.cases == 4 and sum(third.written.values()) == 0 and third.existing == 4
    assert outbox() == before
    assert db.session.scalar(select(func.count(Delivery.id))) == 4  # one inbox delivery each


def test_crash_mid_scan_then_rerun_writes_each_reminder_once(run, app, make, monkeypatch):
    cases = [made(make) for _ in range(4)]
    now = local(2026, 11, 28, 10, 0)
    real_enqueue, calls = scan.enqueue_many, []

    def crash_on_second_batch(messages, now):
        calls.append(messages)
        if len(calls) == 2:
            real_enqueue(messages[:1], now)  # half-way through the batch's writes
            raise RuntimeError("scheduler killed")
        return real_enqueue(messages, now)

    monkeypatch.setattr(scan, "enqueue_many", crash_on_second_batch)
    with app.app_context(), pytest.raises(RuntimeError, match="scheduler killed"):
        scan.run(now, batch=2)
    assert len(outbox()) == 2  # the first batch was committed, the rest died with the crash
    monkeypatch.setattr(scan, "enqueue_many", real_enqueue)
    again = run.scan_due(now)
    assert sorted(c for _k, _r, c in outbox()) == sorted(c.id for c in cases)
    # The first batch was marked with its reminders; the rest is read again.
    assert again.cases == 2 and sum(again.written.values()) == 2 and again.existing == 0
    run.scan_due(now)
    assert len(outbox()) == 4


def test_scan_reads_only_due_cases_needing_a_look_from_its_two_partial_indexes(run, make, backend):
    due = made(make)
    for _ in range(3):
        later = made(make)
        later.next_due_at = later.next_due_at + timedelta(days=200)
    db.session.commit()
    result = run.scan_due(local(2026, 11, 28, 10, 0))
    assert result.cases == 1 and outbox() == [("overdue", outbox()[0][1], due.id)]
    ids = scan.pending_ids(local(2026, 11, 30, 0, 0), local(2026, 11, 28, 10, 0), after=(T0, 0))
    sql = str(ids.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))
    db.session.remove()  # its open transaction would hold up the DROP INDEX below
    with db.engine.connect() as conn:
        if backend == "sqlite":
            plan = [str(r[3]) for r in conn.execute(text("EXPLAIN QUERY PLAN " + sql))]
            assert any(step.startswith("SEARCH due USING INDEX ix_cases_scan_unhandled") for step in plan), plan
            assert any(step.startswith("SEARCH due USING COVERING INDEX ix_cases_scan_after") for step in plan), plan
            assert not [step for step in plan if step.startswith("SCAN due")], plan  # never the whole table
        else:  # a tiny table has no preferences: leave only the two, to show their predicates hold
            with conn.begin() as transaction:
                others = conn.scalars(text(
                    "SELECT indexname FROM pg_indexes WHERE tablename = 'cases' AND indexname LIKE 'ix_%'"
                    " AND indexname NOT IN ('ix_cases_scan_unhandled', 'ix_cases_scan_after')")).all()
                for name in others:
                    conn.execute(text(f"DROP INDEX {name}"))
                for kind in ("seqscan", "bitmapscan"):
                    conn.execute(text(f"SET LOCAL enable_{kind} = off"))
                plan = " ".join(r[0] for r in conn.execute(text("EXPLAIN " + sql)))
                transaction.rollback()
            assert "Index Only Scan using ix_cases_scan_unhandled" in plan, plan
            assert "Index Only Scan using ix_cases_scan_after" in plan, plan
            assert "Seq Scan" not in plan, plan


def test_the_migrated_partial_indexes_have_the_models_predicates(app, backend):
    # The migration spells the predicates again (migrations do not import models); the scan's
    # query repeats them too, or no index would serve it. Compared without brackets or spaces.
    def plain(sql):
        return re.sub(r"[()\s]", "", sql).replace("<>", "!=").lower()

    found = text("SELECT sql FROM sqlite_master WHERE name = :name") if backend == "sqlite" \
        else text("SELECT indexdef FROM pg_indexes WHERE indexname = :name")
    for name, predicate in (("ix_cases_scan_unhandled", SCAN_UNHANDLED), ("ix_cases_scan_after", SCAN_TO_COME)):
        definition = db.session.scalar(found, {"name": name})
        assert plain(definition).endswith("where" + plain(predicate)), definition


def test_a_handled_case_leaves_the_scans_indexes_until_it_changes_or_a_reminder_comes(run, make, backend):
    case = made(make)  # due 2026-11-27 09:00, overdue from then, escalated 7 days later
    # An index's entries: read through it on SQLite; on PostgreSQL, the rows its predicate holds.
    counted = {name: f"SELECT count(*) FROM cases INDEXED BY {name} WHERE {where}" if backend == "sqlite"
               else f"SELECT count(*) FROM cases WHERE {where}"
               for name, where in (("ix_cases_scan_unhandled", SCAN_UNHANDLED),
                                   ("ix_cases_scan_after", SCAN_TO_COME))}

    def entries():
        return {name: db.session.scalar(text(sql)) for name, sql in counted.items()}

    assert entries() == {"ix_cases_scan_unhandled": 1, "ix_cases_scan_after": 0}
    run.scan_due(local(2026, 11, 28, 10, 0))
    assert entries() == {"ix_cases_scan_unhandled": 0, "ix_cases_scan_after": 1}  # waits for its escalation
    assert db.session.scalars(scan.pending_ids(local(2026, 11, 30, 10, 0), local(2026, 11, 28, 10, 5))).all() == []
    assert db.session.scalars(scan.pending_ids(local(2026, 12, 6, 10, 0), local(2026, 12, 4, 10, 0))).all() \
        == [case.id]  # the escalation has come: read from ix_cases_scan_after
    case.worker_id = None  # any change moves the version on
    db.session.commit()
    assert entries()["ix_cases_scan_unhandled"] == 1


def test_a_batch_of_messages_writes_each_key_once_with_its_deliveries(app, make):
    case = made(make)
    worker, supervisor = make.user("demo-worker"), make.user("demo-supervisor")
    first = {"kind": "overdue", "recipient": f"user:{worker.id}", "title": "逾期", "case_id": case.id,
             "due_at": case.next_due_at, "user": worker}
    second = {**first, "recipient": f"user:{supervisor.id}", "user": supervisor}
    assert enqueue_many([first], T0) == [True]
    assert enqueue_many([first, second, second], T0) == [False, True, False]
    assert enqueue_many([], T0) == []
    db.session.commit()
    assert sorted(r for _k, r, _c in outbox()) == sorted([first["recipient"], second["recipient"]])
    assert db.session.scalar(select(func.count(Delivery.id))) == 2  # one inbox delivery each


def test_a_late_review_reminds_the_nearest_reviewer_not_the_worker(run, make, ids):
    case = made(make, "in_review")  # three days to review
    run.scan_due(T0 + timedelta(days=4))
    assert outbox() == [("overdue", ids["lvyuan-supervisor"], case.id)]
