"""Every route needs a login: the whole url_map, every method, walked anonymously."""

from urllib.parse import urlsplit

import pytest

from tests.support.security.routes import all_rules, anonymous_exposures, build, methods
from web.auth import PUBLIC_ENDPOINTS

# The short allow-list of what an anonymous visitor may reach. Adding to it is a
# security decision: change it here and in docs/security.md together.
ALLOWED_PUBLIC = {"auth.login", "static", "health.healthz", "i18n.switch_language",
                  "member.open_link", "member.answer", "member.send"}


def test_the_public_allow_list_is_exactly_login_static_health_language_and_the_member_link():
    assert PUBLIC_ENDPOINTS == ALLOWED_PUBLIC


def test_every_other_route_and_method_sends_an_anonymous_visitor_to_login(app):
    problems = anonymous_exposures(app, ALLOWED_PUBLIC)
    assert problems == [], "\n".join(problems)
    walked = {rule.endpoint for rule in all_rules(app)} - ALLOWED_PUBLIC
    assert {"cases.index", "cases.show", "auth.logout", "account.password"} <= walked


def test_json_clients_get_401_and_browsers_the_login_page_with_the_way_back(client):
    assert client.get("/cases/1", headers={"Accept": "application/json"}).status_code == 401
    response = client.get("/cases/1?tab=history")
    assert response.status_code == 302
    location = urlsplit(response.location)
    assert location.path == "/login" and "next=/cases/1" in location.query.replace("%2F", "/")


def test_an_unknown_address_tells_an_anonymous_visitor_nothing(client):
    response = client.get("/no-such-page")
    assert response.status_code == 302 and urlsplit(response.location).path == "/login"


def test_the_walk_covers_a_route_added_later_and_reports_a_public_one(app, monkeypatch):
    @app.route("/later/<int:thing_id>", methods=["GET", "POST", "DELETE"])
    def later(thing_id):
        return "secret"

    @app.get("/forgot-login")
    def forgot():
        return "personal data"

    monkeypatch.setattr("web.auth.PUBLIC_ENDPOINTS", PUBLIC_ENDPOINTS | {"forgot"})
    problems = anonymous_exposures(app, ALLOWED_PUBLIC)
    assert any(p.startswith("GET /forgot-login") for p in problems)
    assert not any("/later/" in p for p in problems)  # covered by the global login check


@pytest.mark.parametrize("endpoint", sorted(ALLOWED_PUBLIC))
def test_public_routes_carry_no_personal_data(app, client, make, endpoint):
    case = make.case("registered")
    rule = next(r for r in all_rules(app) if r.endpoint == endpoint)
    for method in methods(rule, skip=("OPTIONS",)):
        response = client.open(build(rule), method=method)
        body = response.get_data(as_text=True)
        response.close()
        assert case.person.name not in body and case.person.id_masked not in body
