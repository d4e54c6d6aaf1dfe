"""Two people act on one case at once: exactly one wins, the other is told to reload."""

import threading

from sqlalchemy import func, select

from workflow.db import db
from workflow.errors import Conflict, NotAllowed
from workflow.models import Case, TransitionRecord
from workflow.process.engine import get_engine


def test_two_supervisors_approving_at_once_one_wins(app, make):
    case_id = make.case("in_review").id
    supervisors = ["demo-supervisor", "lvyuan-supervisor"]
    loaded = threading.Barrier(2)
    results = {}

    def act(username):
        with app.app_context():
            case = db.session.get(Case, case_id)
            user = make.user(username)
            _ = case.person, user.org_unit  # load what fire() reads before racing
            loaded.wait(timeout=10)
            try:
                get_engine().fire(case, "approve", user)
                results[username] = "ok"
            except Conflict as exc:
                results[username] = exc.message
            except NotAllowed as exc:  # would mean the loser saw the new state: not a race
                results[username] = "late: " + exc.message
            finally:
                db.session.remove()

    threads = [threading.Thread(target=act, args=(name,)) for name in supervisors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results.values()) == ["ok", "该案件已被其他人修改，请刷新后重试"]
    db.session.expire_all()
    assert db.session.get(Case, case_id).state == "registered"
    approvals = db.session.scalar(
        select(func.count()).where(TransitionRecord.case_id == case_id, TransitionRecord.trigger == "approve"))
    assert approvals == 1


def test_stale_page_version_is_a_conflict(make):
    case = make.case("in_review")
    seen = case.version
    get_engine().fire(case, "send_back", make.user("demo-supervisor"), reason="补充工作单位")
    try:
        get_engine().fire(case, "approve", make.user("demo-supervisor"), expected_version=seen)
    except Conflict as exc:
        assert "请刷新" in exc.message
    else:
        raise AssertionError("a stale version must not fire")
    assert case.state == "visited"
