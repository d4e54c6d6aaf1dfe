"""流动党员 reminders at chosen instants: the six-month line, the yearly report, abroad, 活动证, written once."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from tests.scheduler.conftest import frozen, local, outbox
from tests.support.mobility import line_district, reported
from workflow.cases import services
from workflow.db import db
from workflow.mobility import certificates, situations
from workflow.models import Case, OutboxMessage
from workflow.reports import mobility

T0 = local(2026, 3, 2, 10, 0)


def mobile(make, situation="long", since=date(2026, 3, 2), province="北京", city="丰台"):
    """A member moved out at T0 and registered in a situation since that day."""
    with frozen(T0):
        case = make.case("following")
        situations.set_situation(db.session.get(Case, case.id), make.user("demo-worker"), situation=situation,
                                 since=since, dest_province=province, dest_city=city)
    return case


def kinds(case_id):
    return sorted({kind for kind, _recipient, cid in outbox() if cid == case_id and kind.startswith("mobility")})


def test_the_six_month_line_becomes_a_task_for_the_worker_two_weeks_ahead(run, make):
    with frozen(T0):
        case = make.case("following")
    run.mobility_reminders(T0 + timedelta(days=160))  # 2026-08-09: the line is 2026-09-02
    assert kinds(case.id) == []
    run.mobility_reminders(T0 + timedelta(days=170))  # 2026-08-19: within 14 days
    worker = make.user("demo-worker")
    assert outbox("mobility_line") == [("mobility_line", f"user:{worker.id}", case.id)]
    title = db.session.scalar(select(OutboxMessage.title).where(OutboxMessage.kind == "mobility_line"))
    assert "应登记为流动党员" in title


def test_the_yearly_report_is_reminded_near_due_then_overdue_and_never_twice(run, make):
    case = mobile(make)
    run.mobility_reminders(T0 + timedelta(days=300))  # 2026-12-27: due 2027-03-02, 65 days ahead
    assert kinds(case.id) == []
    run.mobility_reminders(T0 + timedelta(days=330))  # 35 days ahead: still outside the 30 days' lead
    assert kinds(case.id) == []
    result = run.mobility_reminders(T0 + timedelta(days=340))  # 25 days ahead
    assert kinds(case.id) == ["mobility_report"]
    assert run.mobility_reminders(T0 + timedelta(days=346)).written == {}
    assert "1 were in the outbox already" in run.mobility_reminders(T0 + timedelta(days=347)).describe()
    run.mobility_reminders(T0 + timedelta(days=370))
    assert kinds(case.id) == ["mobility_report", "mobility_report_overdue"]
    assert result.written["mobility_report"] == 1


def test_a_logged_report_moves_the_deadline_a_year_on(run, make):
    case = mobile(make)
    with frozen(T0 + timedelta(days=200)):
        situations.log_report(db.session.get(Case, case.id), make.user("demo-worker"),
                              reported_at=T0 + timedelta(days=200), notes="电话报告在京工作情况")
    run.mobility_reminders(T0 + timedelta(days=370))  # the first year has passed; the report restarted it
    assert kinds(case.id) == []


def test_the_members_own_check_in_counts_as_the_yearly_report(run, make):
    case = mobile(make)
    with frozen(T0 + timedelta(days=200)):
        services.log_contact(db.session.get(Case, case.id), make.user("demo-worker"), kind="self",
                             outcome="reached", contacted_at=T0 + timedelta(days=200))
        db.session.commit()
    run.mobility_reminders(T0 + timedelta(days=370))
    assert kinds(case.id) == []


def test_six_months_abroad_without_contact_is_a_serious_case_for_the_supervisors(run, make):
    case = mobile(make, situation="abroad", province="境外", city="新加坡")
    run.mobility_reminders(T0 + timedelta(days=200))  # the last contact was T0: over six months
    serious = outbox("mobility_serious")
    told = {r for _k, r, cid in serious if cid == case.id}
    assert f"user:{make.user('lvyuan-supervisor').id}" in told  # the nearest supervisor
    assert f"user:{make.user('demo-supervisor').id}" not in told  # not every level up to the street
    assert f"user:{make.user('demo-worker').id}" in {r for _k, r, _c in serious}


def test_a_certificate_about_to_expire_is_reminded(run, make):
    case = mobile(make)
    with frozen(T0):
        certificates.issue(db.session.get(Case, case.id), make.user("demo-worker"), number="BJ-7",
                           issued_on=date(2026, 3, 2), expires_on=date(2026, 9, 1), duration_months=6,
                           reason="务工", dest_province="北京", dest_city="丰台")
    run.mobility_reminders(T0 + timedelta(days=150))  # 2026-07-30: 33 days before
    assert kinds(case.id) == []
    run.mobility_reminders(T0 + timedelta(days=160))
    assert kinds(case.id) == ["mobility_certificate"]


def test_residents_are_never_under_these_rules(run, make):
    with frozen(T0):
        case = make.case("following", member=False)
    run.mobility_reminders(T0 + timedelta(days=400))
    assert kinds(case.id) == []


def test_the_job_reads_only_the_registered_and_the_members_near_the_line_not_told(make, run):
    """One run reads the registered few and the 本地 members whose line is near and untold, not everyone."""
    d = line_district(make)
    now = datetime(2026, 6, 25, 4, tzinfo=UTC)  # 06-25: the 01-05 movers cross on 07-05, within 14 days
    near = {r.case_id for r in mobility.reminder_rows(now)}
    registered = {d["long"].id, d["short"].id, d["abroad"].id}
    assert near == registered | {d["early"].id, d["missed"].id, d["phone_only"].id, d["elsewhere"].id}
    first = run.mobility_reminders(now)
    assert first.written["mobility_line"] == 4
    # told: the next run reads only the registered few, and writes nothing twice
    assert {r.case_id for r in mobility.reminder_rows(now + timedelta(days=1))} == registered
    again = run.mobility_reminders(now + timedelta(days=1))
    assert again.written.get("mobility_line", 0) == 0
    # a report after the reminder restarts the line: that member is read again when it nears
    reported(make, d["early"], datetime(2026, 7, 10, 2, tzinfo=UTC))
    assert d["early"].id not in {r.case_id for r in mobility.reminder_rows(datetime(2026, 7, 11, 4, tzinfo=UTC))}
    later = datetime(2026, 12, 30, 4, tzinfo=UTC)  # 07-10 + 6 months = 2027-01-10: within 14 days
    assert d["early"].id in {r.case_id for r in mobility.reminder_rows(later)}
    run.mobility_reminders(later)
    lines = db.session.scalars(select(OutboxMessage.due_at).where(
        OutboxMessage.case_id == d["early"].id, OutboxMessage.kind == "mobility_line")).all()
    assert len(lines) == 2  # one per absence
