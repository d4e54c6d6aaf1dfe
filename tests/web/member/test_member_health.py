"""Supervisors see the member link working: self check-ins per branch and the response rate to requests."""

from datetime import timedelta

from workflow.db import db, utcnow
from workflow.member import links
from workflow.models import ContactLog
from workflow.outbox import enqueue
from workflow.reports import self_reports


def test_self_check_ins_and_answered_requests_are_counted_per_branch(app, make, client, auth):
    worker = make.user("demo-worker")
    cases = [make.case("following") for _ in range(4)]
    for case in cases:
        links.issue(case, worker)
    now = utcnow()
    for case in cases[:2]:  # asked; the first answers, the second does not
        enqueue(kind="checkin_request", recipient=f"person:{case.person_id}", title="平安报到提醒",
                case_id=case.id, due_at=case.next_due_at, person_id=case.person_id, now=now - timedelta(hours=2))
    for case in (cases[0], cases[2]):
        db.session.add(ContactLog(case_id=case.id, kind="self", outcome="reached", contacted_at=now - timedelta(hours=1)))
    db.session.commit()
    rows, trend = self_reports.report(make.user("demo-supervisor"), now)
    branch = next(r for r in rows if r.unit.name == "绿苑小区楼院党支部")
    assert branch.numbers == {"members": 4, "self": 2, "asked": 2, "answered": 1}
    assert trend[-1][1]["self"] == 2 and len(trend) == 6
    auth.login("demo-supervisor")
    page = client.get("/supervisor/").get_data(as_text=True)
    assert "成员本人报到" in page and "50%" in page
