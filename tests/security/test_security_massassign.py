"""Mass assignment: extra form fields never set a case's state, unit or owner, nor a user's role."""

import pytest
from flask import abort, request

from tests.support.security.massassign import mass_assignment_problems
from tests.support.security.routes import STATE_CHANGING, all_rules
from workflow.db import db
from workflow.demo.district import PATH
from workflow.models import Case


def cases_in_every_state(make):
    return [make.case(state) for state in PATH]


# One test per role, so the two xdist workers share the sweep (each role is ~20 s of CPU).
@pytest.mark.heavy
@pytest.mark.parametrize("username", ["demo-worker", "lvyuan-supervisor", "demo-admin"])
def test_no_post_route_lets_extra_fields_set_state_unit_owner_or_role(app, make, username):
    cases = cases_in_every_state(make)
    foreign_unit, foreign_user = make.unit("清江花园楼院党支部"), make.user("qingjiang-worker")
    problems = mass_assignment_problems(app, make.synth, make.user(username), cases, foreign_unit, foreign_user)
    assert problems == [], "\n".join(problems[:40])
    posted = {r.endpoint for r in all_rules(app) if set(r.methods) & STATE_CHANGING}
    assert {"account.password", "account.end_session", "auth.logout"} <= posted


def test_the_password_form_ignores_role_and_unit_fields(app, client, auth, make):
    auth.login()
    client.post("/account/password", data={"old_password": "Test-pass-2026", "new_password": "Brand-new-pass-2027",
                                           "confirm": "Brand-new-pass-2027", "role": "admin",
                                           "org_unit_id": str(make.unit("白云街道党工委").id)})
    user = make.user("demo-worker")
    assert user.check_password("Brand-new-pass-2027")  # the form did its job...
    assert (user.role, user.org_unit.name) == ("worker", "绿苑社区党总支")  # ...and nothing else


def test_the_sweep_catches_a_route_that_copies_the_form_onto_the_case(app, make):
    @app.post("/cases/<int:case_id>/careless-edit")
    def careless_edit(case_id):
        case = db.session.get(Case, case_id) or abort(404)
        for key in ("state", "worker_id", "org_unit_id"):
            if key in request.form:
                setattr(case, key, int(request.form[key]) if key.endswith("_id") else request.form[key])
        db.session.commit()
        return "saved"

    cases = [make.case("identified")]
    problems = mass_assignment_problems(app, make.synth, make.user("demo-worker"), cases,
                                        make.unit("清江花园楼院党支部"), make.user("qingjiang-worker"))
    assert any("careless-edit" in p and "without a transition" in p for p in problems)
    assert any("careless-edit" in p and "outside the subtree" in p for p in problems)
    assert any("careless-edit" in p and "into the unit given in the form" in p for p in problems)
