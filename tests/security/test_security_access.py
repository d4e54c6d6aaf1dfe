"""Object-level access: ids from other subtrees answer 404, show nothing and change nothing.

The matrix reads the live url_map: every route with an <int:...> argument is probed
by every role in a community, a courtyard branch and a mobile branch, with ids of
objects (case, person, unit, contact, entry, session, ...) from other subtrees.
"""

import pytest
from flask import abort, g

from tests.support.security.probes import Matrix, id_rules, tampered_pages
from tests.support.security.routes import int_args
from tests.support.security.world import VIEWER_UNITS, make_viewers, seed_cases, sign_in
from workflow.db import db
from workflow.demo.district import PATH
from workflow.models import Case
from workflow.models.user import ROLES


# One test per role, so the two xdist workers share the matrix (it is the suite's longest).
@pytest.mark.heavy
@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_id_route_answers_404_to_ids_from_other_subtrees(app, make, role):
    cases = seed_cases(make)
    viewers = make_viewers(roles=(role,))
    matrix = Matrix(app, make.synth, viewers, cases)
    failures = matrix.run()
    assert failures == [], "\n".join(failures[:40])
    # The matrix really ran: this role in every viewing unit, and every id route with a foreign case in every state.
    assert {v.role for v in viewers} == {role} and len(viewers) == len(VIEWER_UNITS)
    assert matrix.probed["/cases/<int:case_id>"] >= len(viewers) * 3
    case_rules = [r.rule for r in id_rules(app) if int_args(r) == ["case_id"]]
    assert len(case_rules) > 20
    assert all(matrix.states[rule] == set(PATH) for rule in case_rules), {
        rule: set(PATH) - matrix.states.get(rule, set()) for rule in case_rules if matrix.states.get(rule) != set(PATH)}
    assert matrix.probed["/account/sessions/<int:session_id>/end"] >= len(viewers)
    assert {r.endpoint for r in id_rules(app)} >= {"cases.show", "account.end_session"}


def test_pages_with_foreign_ids_in_the_query_show_none_of_their_people(app, make):
    cases = seed_cases(make, states=["identified", "following", "handover"])
    failures = tampered_pages(app, make_viewers(roles=("worker", "supervisor")), cases)
    assert failures == [], "\n".join(failures[:40])


def test_the_matrix_catches_a_route_that_forgets_the_subtree_check(app, make):
    @app.get("/leaky/<int:case_id>")
    def leaky(case_id):
        case = db.session.get(Case, case_id) or abort(404)
        return f"<p>{case.person.name} {case.person.id_masked}</p>"

    @app.post("/leaky/<int:case_id>/touch")
    def leaky_touch(case_id):
        case = db.session.get(Case, case_id) or abort(404)
        case.worker_id = g.user.id
        db.session.commit()
        abort(404)

    cases = seed_cases(make, states=["identified"])
    failures = Matrix(app, make.synth, make_viewers(roles=("worker",)), cases).run()
    assert any("/leaky/" in f and "answered 200" in f for f in failures)
    assert any("/leaky/" in f and "body shows" in f for f in failures)
    assert any("/touch" in f and "changed" in f and "'worker_id'" in f for f in failures)


def test_the_matrix_asks_for_a_resolver_for_an_unknown_kind_of_id(app, make):
    @app.get("/gadgets/<int:gadget_id>")
    def gadget(gadget_id):
        abort(404)

    failures = Matrix(app, make.synth, make_viewers(roles=("worker",)), seed_cases(make, states=["identified"])).run()
    assert any("no resolver for <int:gadget_id>" in f for f in failures)


def test_own_case_is_shown_so_the_404s_are_about_scope(app, make, client):
    case = make.case("identified")
    sign_in(client, make.user("demo-worker"))
    assert client.get(f"/cases/{case.id}").status_code == 200


def test_the_matrix_tries_every_trigger_of_a_route_that_takes_one(app, make):
    @app.post("/cases/<int:case_id>/leaky/<trigger>")  # a path no real screen uses
    def do(case_id, trigger):
        if trigger == "close":  # forgets the subtree check for one trigger only
            case = db.session.get(Case, case_id) or abort(404)
            return case.person.name
        abort(404)

    failures = Matrix(app, make.synth, make_viewers(roles=("worker",)), seed_cases(make, states=["identified"])).run()
    assert any("/leaky/close" in f and "answered 200" in f for f in failures), failures
    assert not any("/leaky/visit" in f for f in failures)
