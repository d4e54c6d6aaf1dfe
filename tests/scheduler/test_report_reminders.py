"""Reminders of the monthly report: the unit's supervisors from reminder_day, the level above later."""

from sqlalchemy import select

from tests.scheduler.conftest import local, outbox
from workflow.db import db
from workflow.models import OutboxMessage
from workflow.reports.monthly import periods, submission


def titles(kind):
    db.session.expire_all()
    return sorted(m.title for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)))


def test_nothing_before_the_reminder_day(run):
    result = run.monthly_reports(local(2026, 12, 4, 23, 59))
    assert result.describe() == "monthly report 2026-11: reminders start on day 5" and outbox() == []


def test_each_missing_units_supervisors_are_reminded_once(run, make):
    result = run.monthly_reports(local(2026, 12, 5, 0, 0))  # midnight in Shanghai: day 5 has begun
    assert result.missing == 2  # 白云街道党工委 (demo-supervisor) and 绿苑社区党总支 (lvyuan-supervisor)
    assert titles("report_due") == ["请上报白云街道党工委2026年11月报表", "请上报绿苑社区党总支2026年11月报表"]
    run.monthly_reports(local(2026, 12, 6, 8, 30))
    assert len(outbox("report_due")) == 2 and outbox("report_missing") == []


def test_the_level_above_hears_of_units_still_missing_and_a_submitted_one_is_quiet(run, make):
    now = local(2026, 12, 8, 8, 30)
    street = make.user("demo-supervisor")
    submission.submit(street.org_unit, periods.parse("2026-11", now), street, "", now)
    run.monthly_reports(now)
    assert titles("report_due") == ["请上报绿苑社区党总支2026年11月报表"]
    assert titles("report_missing") == ["2026年11月报表尚未上报：绿苑社区党总支"]
    [(_kind, recipient, _case)] = outbox("report_missing")
    assert recipient == f"user:{street.id}"


def test_a_report_sent_back_is_missing_again(run, make):
    now = local(2026, 12, 3, 9, 0)
    lvyuan, street = make.user("lvyuan-supervisor"), make.user("demo-supervisor")
    copy = submission.submit(lvyuan.org_unit, periods.parse("2026-11", now), lvyuan, "", now)
    submission.send_back(copy.id, street, "数字有误", now)
    run.monthly_reports(local(2026, 12, 5, 9, 0))
    assert "请上报绿苑社区党总支2026年11月报表" in titles("report_due")
