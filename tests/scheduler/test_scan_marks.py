"""The scan's marks: a handled case is read again only when it changes or a new reminder is due."""

from datetime import timedelta

from scheduler import scan
from tests.scheduler.conftest import frozen, local, outbox
from tests.support.factories import add_user
from tests.support.worker import settle_in
from workflow.cases import reassign, services
from workflow.db import db
from workflow.process.engine import get_engine

T0 = local(2026, 11, 20, 9, 0)  # 待走访 made then is due 7 days later, 11-27 09:00
DUE = local(2026, 11, 27, 9, 0)


def made(make, state="identified", when=T0, **kwargs):
    with frozen(when):
        return make.case(state, **kwargs)


ROBOT = "http://127.0.0.1:9/robot"  # never called: the scan only writes the outbox


def test_a_handled_case_is_not_read_again_until_its_next_reminder_is_due(run, make):
    make.unit("绿苑小区楼院党支部").webhook_url = ROBOT  # the escalation goes to the group robot at once
    case = made(make)
    assert run.scan_due(local(2026, 11, 25, 10, 0)).cases == 1  # near due
    assert run.scan_due(local(2026, 11, 26, 10, 0)).cases == 0
    assert run.scan_due(DUE - timedelta(minutes=1)).cases == 0
    assert run.scan_due(DUE).written == {"overdue": 1}
    assert run.scan_due(DUE + timedelta(days=3)).cases == 0
    at_line = run.scan_due(DUE + timedelta(days=7))  # exactly seven days late: not beyond the line yet
    assert at_line.cases == 1 and not at_line.written
    assert run.scan_due(DUE + timedelta(days=7, minutes=15)).written == {"escalation": 1}
    assert run.scan_due(DUE + timedelta(days=60)).cases == 0  # never moved out: nothing more can arise
    assert [k for k, _r, c in outbox() if c == case.id] == ["near_due", "overdue", "escalation"]


def test_six_months_without_contact_still_arrives_after_the_case_was_escalated(run, make):
    make.unit("绿苑小区楼院党支部").webhook_url = ROBOT
    case = made(make, "following")  # moved out at T0; due every 30 days
    assert run.scan_due(T0 + timedelta(days=150)).written == {"overdue": 1, "escalation": 1}
    assert run.scan_due(T0 + timedelta(days=181, hours=23)).cases == 0
    assert run.scan_due(T0 + timedelta(days=182)).written == {"serious": 2}  # SERIOUS_NO_CONTACT_DAYS: the supervisor and the robot
    assert run.scan_due(T0 + timedelta(days=200)).cases == 0
    assert sorted({k for k, _r, c in outbox() if c == case.id}) == ["escalation", "overdue", "serious"]


def test_a_changed_deadline_makes_the_case_read_again(run, make):
    case = made(make)
    run.scan_due(DUE + timedelta(days=1))
    case.next_due_at = DUE + timedelta(days=2)  # any change through the ORM bumps the version
    db.session.commit()
    again = run.scan_due(DUE + timedelta(days=3))
    assert again.cases == 1 and again.written == {"overdue": 1}
    assert [(k, c) for k, _r, c in outbox()] == [("overdue", case.id), ("overdue", case.id)]


def test_reassigning_the_case_reminds_the_new_worker(run, make):
    case = made(make)
    courtyard = add_user("lvyuan-courtyard", "worker", make.unit("绿苑小区楼院党支部"), display_name="孙丽")
    run.scan_due(DUE + timedelta(days=1))
    reassign.reassign(case, courtyard, make.user("lvyuan-supervisor"))
    again = run.scan_due(DUE + timedelta(days=1, minutes=15))
    assert again.cases == 1
    assert outbox("overdue") == [("overdue", f"user:{make.user('demo-worker').id}", case.id),
                                 ("overdue", f"user:{courtyard.id}", case.id)]


def test_opting_back_into_member_reminders_makes_the_scan_read_the_case_again(run, app, make, robot):
    app.config.update(MEMBER_REMINDERS=True, NOTIFY_CHANNELS=["inbox", "webhook"])
    case = made(make, "following", member=True)
    make.unit("绿苑小区楼院党支部").webhook_url = robot.url
    db.session.commit()
    services.set_member_reminders(case, make.user("demo-worker"), receive=False)
    run.scan_due(T0 + timedelta(days=31))
    assert outbox("org_life") == []
    services.set_member_reminders(case, make.user("demo-worker"), receive=True)
    assert run.scan_due(T0 + timedelta(days=31, minutes=15)).written == {"org_life": 1}


def test_a_case_changed_while_the_scan_ran_is_read_again(run, app, make):
    case = made(make)
    with app.app_context():
        [rows] = list(scan.batches(DUE + timedelta(days=1)))
        case_row = rows[0]
    case.worker_id = None  # committed between the scan's read and its mark
    db.session.commit()
    with app.app_context():
        scan.mark(rows, DUE + timedelta(days=1))
        db.session.commit()
    assert case_row.case_id == case.id
    assert run.scan_due(DUE + timedelta(days=1, minutes=15)).cases == 1


def test_a_run_walks_every_batch_by_deadline_once(run, app, make):
    cases = [made(make, when=T0 + timedelta(hours=i)) for i in (3, 0, 4, 1, 2)]
    cases.append(made(make, when=T0 + timedelta(hours=1)))  # the same deadline as another: ordered by id
    with app.app_context():
        result = scan.run(DUE + timedelta(days=1), batch=2)
    assert result.cases == 6 and result.written == {"overdue": 6}
    assert sorted(c for _k, _r, c in outbox()) == sorted(c.id for c in cases)
    assert run.scan_due(DUE + timedelta(days=1, minutes=15)).cases == 0


def test_an_accepted_handover_ends_the_receivers_reminders(run, make):
    case = made(make, "following")
    with frozen(T0):
        get_engine().fire(case, "hand_over", make.user("demo-worker"), kind="resettle",
                          to_unit=make.unit("清江社区党总支"))
    assert run.scan_due(T0 + timedelta(days=8)).written == {"overdue": 2}  # due in seven days: receiver and sender
    with frozen(T0 + timedelta(days=8, hours=1)):
        get_engine().fire(case, "accept", make.user("qingjiang-worker"))
        settle_in(make, case)  # the receiver's first tasks done at once
    assert run.scan_due(T0 + timedelta(days=60)).cases == 0  # resettled: no deadline, no escalation
    assert outbox() == [("overdue", f"user:{make.user('qingjiang-worker').id}", case.id),
                        ("overdue", f"user:{make.user('demo-worker').id}", case.id)]
