"""Log in and out, the due list and the case page, scoped to the user's subtree."""

from workflow.db import db


def test_login_page_is_chinese_and_has_the_two_fields(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'name="username"' in page and 'name="password"' in page
    assert "登录" in page and "用户名" in page


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_wrong_password_is_refused_in_chinese(client, auth):
    page = auth.login(password="wrong").get_data(as_text=True)
    assert "用户名或密码错误" in page
    assert client.get("/").status_code == 302


def test_empty_login_fields_are_named(client):
    page = client.post("/login", data={"username": "", "password": ""}).get_data(as_text=True)
    assert "请填写用户名" in page and "请填写密码" in page


def test_worker_sees_own_subtree_due_first(client, auth, make):
    mine_late = make.case("identified")
    mine_later = make.case("following")
    other = make.case("identified", unit="清江花园楼院党支部", worker="qingjiang-worker")
    mine_late.next_due_at = mine_late.next_due_at.replace(year=2025)
    db.session.commit()
    auth.login()
    page = client.get("/").get_data(as_text=True)
    assert mine_late.person.name in page and mine_later.person.name in page
    assert other.person.name not in page
    assert page.index(mine_late.person.name) < page.index(mine_later.person.name)
    assert "逾期" in page
    assert mine_late.person.id_masked in page
    assert "待走访" in page


def test_case_page_shows_registers_contacts_and_history(client, auth, make):
    case = make.case("in_review")
    auth.login()
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    for text in ("三个一", "五必登", "原住址", "去向住址", "联系方式", "工作单位/务工地", "组织关系",
                 "入户走访", "流转记录", "待审核", case.person.id_masked):
        assert text in page


def test_case_outside_subtree_is_404_without_data(client, auth, make):
    other = make.case("identified", unit="清江花园楼院党支部", worker="qingjiang-worker")
    auth.login()
    response = client.get(f"/cases/{other.id}")
    assert response.status_code == 404
    assert other.person.name not in response.get_data(as_text=True)
    assert client.get("/cases/999999").status_code == 404


def test_logout_ends_the_session_and_old_cookie_fails(client, auth, app):
    auth.login()
    assert client.get("/").status_code == 200
    cookie = client.get_cookie("session").value
    auth.logout()
    assert client.get("/").status_code == 302
    client.set_cookie("session", cookie)
    assert client.get("/").status_code == 302


def test_english_is_available(client, auth):
    auth.login()
    client.get("/lang/en")
    page = client.get("/").get_data(as_text=True)
    assert "Due work" in page


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and body["database"]["state"] == "ok"


def test_responses_carry_security_headers(client, auth):
    auth.login()
    response = client.get("/")
    assert response.headers["Cache-Control"] == "no-store"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
