"""The card's personal link: issued as a hash, reissued and ended, one neutral page for every dead token."""

from sqlalchemy import select

from tests.support.member import issue_link, last4, verified, wrong4
from workflow.db import db
from workflow.member import links
from workflow.models import MemberLink, OutboxMessage
from workflow.process.engine import get_engine

NEUTRAL = "链接无效或已失效"


def test_the_token_is_stored_only_as_its_hash(client, auth, make):
    case = make.case("following")
    auth.login()
    token = issue_link(client, case)
    [link] = db.session.scalars(select(MemberLink)).all()
    assert link.token_hash == links.token_hash(token) and token not in link.token_hash
    assert len(token) >= 20


def test_the_printed_card_carries_the_qr_code_as_inline_svg_and_the_short_link(client, auth, make, app):
    app.config["PUBLIC_BASE_URL"] = "https://dongqian.example.gov.cn/"
    case = make.case("following")
    auth.login()
    page = client.post(f"/cases/{case.id}/member-link").get_data(as_text=True)
    assert '<svg' in page and 'class="qr"' in page and "<img" not in page
    assert "https://dongqian.example.gov.cn/m/" in page and "请现在打印" in page


def test_reissue_ends_the_old_link_and_the_old_card_answers_the_neutral_page(client, auth, make, app):
    case = make.case("following")
    auth.login()
    old = issue_link(client, case)
    new = issue_link(client, case)
    member = app.test_client()
    gone, never = member.get(f"/m/{old}"), member.get("/m/not-a-real-token-at-all-xyz")
    assert gone.status_code == never.status_code == 404
    assert gone.get_data(as_text=True) == never.get_data(as_text=True)
    assert NEUTRAL in gone.get_data(as_text=True) and case.person.name not in gone.get_data(as_text=True)
    assert member.get(f"/m/{new}").status_code == 200


def test_revoked_and_closed_cases_answer_the_same_neutral_page(client, auth, make, app):
    case = make.case("following")
    auth.login()
    token = issue_link(client, case)
    assert client.post(f"/cases/{case.id}/member-link/revoke").status_code == 302
    member = app.test_client()
    assert member.get(f"/m/{token}").status_code == 404
    closed = make.case("closed")
    db.session.add(MemberLink(case_id=closed.id, token_hash=links.token_hash("closed-case-token-123456"), failures=0))
    db.session.commit()
    response = member.get("/m/closed-case-token-123456")
    assert response.status_code == 404 and NEUTRAL in response.get_data(as_text=True)
    posted = member.post("/m/closed-case-token-123456", data={"last4": last4(closed)})
    assert posted.status_code == 404 and closed.person.name not in posted.get_data(as_text=True)


def test_an_external_handover_ends_the_link(client, auth, make, app):
    case = make.case("following")
    auth.login()
    token = issue_link(client, case)
    get_engine().fire(case, "hand_over", make.user("demo-worker"), kind="transfer", to_unit=None,
                      external="北京市丰台区某街道党工委")
    assert app.test_client().get(f"/m/{token}").status_code == 404


def test_before_verification_only_the_card_contacts_show(client, auth, make, app):
    case = make.case("following")
    auth.login()
    token = issue_link(client, case)
    page = app.test_client().get(f"/m/{token}").get_data(as_text=True)
    assert "请先验证身份" in page and 'href="tel:' in page
    assert case.person.name not in page and case.person.id_masked not in page


def test_five_wrong_answers_lock_the_link_and_tell_the_worker(client, auth, make, app):
    case = make.case("following")
    auth.login()
    token = issue_link(client, case)
    member = app.test_client()
    answers = [member.post(f"/m/{token}", data={"last4": wrong4(case)}) for _ in range(5)]
    assert [r.status_code for r in answers] == [422, 422, 422, 422, 423]
    assert "还可以再试4次" in answers[0].get_data(as_text=True)
    assert "此链接已锁定" in answers[4].get_data(as_text=True)
    # Locked: even the right answer from another phone does not open it.
    assert app.test_client().post(f"/m/{token}", data={"last4": last4(case)}).status_code == 423
    [message] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "member_locked")).all()
    assert message.user_id == case.worker_id and case.person.name in message.title
    # A reissued card opens again.
    fresh_token = issue_link(client, case)
    assert verified(app, case, fresh_token).get(f"/m/{fresh_token}").status_code == 200


def test_twenty_wrong_answers_from_one_address_are_refused_without_locking_the_member(client, auth, make, app):
    app.config["MEMBER_VERIFY_MAX_FAILURES"] = 100  # only the address limit is under test
    cases = [make.case("following") for _ in range(2)]
    auth.login()
    tokens = [issue_link(client, c) for c in cases]
    guesser = app.test_client()
    for n in range(20):
        guesser.post(f"/m/{tokens[n % 2]}", data={"last4": wrong4(cases[n % 2])})
    refused = guesser.post(f"/m/{tokens[0]}", data={"last4": last4(cases[0])})
    assert refused.status_code == 429 and "尝试次数过多" in refused.get_data(as_text=True)
    # The real member, from another address, still gets in.
    other = app.test_client()
    answer = other.post(f"/m/{tokens[0]}", data={"last4": last4(cases[0])}, environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert answer.status_code == 302
    assert db.session.scalars(select(MemberLink.locked_at)).all() == [None, None]


def test_a_right_answer_opens_the_members_page_with_masked_data(client, auth, make, app):
    case = make.case("following")
    auth.login()
    token = issue_link(client, case)
    page = verified(app, case, token).get(f"/m/{token}").get_data(as_text=True)
    assert case.person.name in page and case.person.id_masked in page
    assert "平安报到" in page and "报告信息变更" in page
    assert "****" in page  # the phone, masked as in the worker's lists


def test_request_logs_show_the_member_path_without_its_token():
    import logging

    from web.member.logmask import TokenFilter

    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '%s - - [%s] "%s" %s %s',
                               ("127.0.0.1", "now", "GET /m/AbCdEfGhIjKlMnOpQrStUv HTTP/1.1", "200", "-"), None)
    TokenFilter().filter(record)
    assert "AbCdEfGhIjKlMnOpQrStUv" not in record.getMessage() and "/m/…" in record.getMessage()
    gunicorn = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, '%(r)s %(s)s', (), None)
    gunicorn.args = {"r": "POST /m/AbCdEfGhIjKlMnOpQrStUv/checkin HTTP/1.1", "s": "302"}
    TokenFilter().filter(gunicorn)
    assert gunicorn.getMessage() == "POST /m/…/checkin HTTP/1.1 302"


def test_the_filter_sits_on_the_request_loggers(app):
    import logging

    from web.member.logmask import TokenFilter

    for name in ("werkzeug", "gunicorn.access"):
        assert any(isinstance(f, TokenFilter) for f in logging.getLogger(name).filters)
