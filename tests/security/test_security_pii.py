"""ID numbers at rest, on screen and in logs: encrypted, masked, shown in full only on purpose."""

import logging
import subprocess

import pytest
from flask import current_app, request
from sqlalchemy import select

from tests.support import pgserver
from tests.support.security.world import sign_in
from workflow.db import db
from workflow.errors import CaseNotFound, GuardFailed, NotAllowed
from workflow.models import AuditEvent, Person
from workflow.privacy import pii, reveal


def plain_numbers():
    return [pii.decrypt(p.id_cipher) for p in db.session.scalars(select(Person))]


def raw_database(app, backend):
    """The database as stored: the SQLite file and its WAL, or a pg_dump of it."""
    url = db.engine.url
    if backend == "sqlite":
        chunks = []
        for suffix in ("", "-wal"):
            try:
                with open(url.database + suffix, "rb") as handle:
                    chunks.append(handle.read())
            except FileNotFoundError:
                pass
        return b"".join(chunks)
    dump = pgserver.find_bin("pg_dump")
    result = subprocess.run([dump, "-h", url.host, "-p", str(url.port), "-U", "postgres", url.database],
                            capture_output=True, check=True)
    return result.stdout


def test_no_plain_id_number_is_stored_anywhere_in_the_database(app, backend, make, client, auth):
    cases = [make.case(state) for state in ("identified", "in_review", "following", "handover", "closed")]
    worker = make.user("demo-worker")
    number = reveal.reveal_id_number(cases[0], worker, f"核对身份证号 {pii.decrypt(cases[0].person.id_cipher)}")
    auth.login(username=number, password="wrong")  # someone types an ID number as the username
    numbers = plain_numbers()
    assert number in numbers and len(numbers) == 5
    stored = raw_database(app, backend)
    for case in cases:  # the check reads real data: names and masked numbers are there
        assert case.person.name.encode() in stored and case.person.id_masked.encode() in stored
    assert [n for n in numbers if n.encode() in stored] == []
    assert [n for n in numbers if n[:17].encode() in stored] == []


def test_reveal_returns_the_number_and_audits_who_whose_when_why_but_not_the_number(app, make):
    case = make.case("registered")
    worker = make.user("demo-worker")
    number = reveal.reveal_id_number(case, worker, "  办理 组织关系转接  ")
    assert number == pii.decrypt(case.person.id_cipher) and number[-4:] == case.person.id_last4
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "reveal_id"))
    assert (event.user_id, event.case_id) == (worker.id, case.id)
    assert event.detail == {"person_id": case.person_id, "reason": "办理 组织关系转接"}
    assert event.at is not None and number not in repr(event.detail)


def test_a_reason_that_quotes_the_number_is_stored_masked(app, make):
    case = make.case("registered")
    number = pii.decrypt(case.person.id_cipher)
    reveal.reveal_id_number(case, make.user("demo-worker"), f"核对 {number} 是否一致")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "reveal_id"))
    assert number not in event.detail["reason"] and case.person.id_masked in event.detail["reason"]


@pytest.mark.parametrize("username, reason, error, message", [
    ("qingjiang-worker", "核对", CaseNotFound, "没有找到该案件"),   # another subtree: as if it did not exist
    ("demo-admin", "核对", NotAllowed, "您的角色不能查看完整身份证号"),  # role not in PII_REVEAL_ROLES
    ("beijing-secretary", "核对", CaseNotFound, "没有找到该案件"),
    ("demo-worker", "  ", GuardFailed, "请填写查看完整身份证号的原因"),  # no reason
])
def test_reveal_refusals_write_no_audit_row(app, make, username, reason, error, message):
    case = make.case("registered")
    with pytest.raises(error, match=message):
        reveal.reveal_id_number(case, make.user(username), reason)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action.like("reveal%"))) is None


def test_reveal_roles_are_a_setting(app, make):
    case = make.case("registered")
    app.config["PII_REVEAL_ROLES"] = ["admin"]
    assert reveal.reveal_id_number(case, make.user("demo-admin"), "系统核查")
    with pytest.raises(NotAllowed, match="您的角色不能查看完整身份证号"):
        reveal.reveal_id_number(case, make.user("demo-worker"), "核对")


def test_the_receiving_unit_of_a_handover_may_reveal(app, make):
    case = make.case("handover")
    receiver = next(u for u in ("qingjiang-worker", "qiancheng-worker")
                    if case.handover_to_path.startswith(make.user(u).org_unit.path))
    assert reveal.reveal_id_number(case, make.user(receiver), "接收核对") == pii.decrypt(case.person.id_cipher)


def test_bulk_reveal_for_an_export_is_one_audit_row_with_ids_and_a_count(app, make):
    cases = [make.case("registered"), make.case("following")]
    numbers = reveal.reveal_id_numbers(cases, make.user("demo-supervisor"), "会议台账", purpose="export")
    assert numbers == {c.id: pii.decrypt(c.person.id_cipher) for c in cases}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "reveal_id_bulk"))
    assert event.detail["count"] == 2 and event.detail["case_ids"] == [c.id for c in cases]
    assert not any(n in repr(event.detail) for n in numbers.values())
    other = make.case("registered", unit="清江花园楼院党支部", worker="qingjiang-worker")
    with pytest.raises(CaseNotFound, match="没有找到该案件"):
        reveal.reveal_id_numbers([cases[0], other], make.user("lvyuan-supervisor"), "会议台账")


def test_scrub_masks_id_numbers_in_free_text():
    assert reveal.scrub("身份证 41140219900101123X 已核") == "身份证 4114**********123X 已核"
    assert reveal.scrub("订单 1234567890123456789012") == "订单 1234567890123456789012"


# ---------------------------------------------------------------- the scanner itself


@pytest.mark.pii_leak_expected
def test_the_scanner_finds_a_full_number_in_a_page_and_in_a_log_line(app, make, client, pii_scan):
    case = make.case("registered")
    number = pii.decrypt(case.person.id_cipher)

    @app.get("/careless")
    def careless():
        current_app.logger.warning("looked up %s", number)
        return f"<p>{number}</p>"

    sign_in(client, make.user("demo-worker"))
    assert client.get("/careless").status_code == 200
    assert any("in the response" in leak and number[-4:] in leak for leak in pii_scan.leaks)
    assert any(leak.startswith("log wsgi:WARNING") for leak in pii_scan.leaks)
    assert not any(number in leak for leak in pii_scan.leaks)  # the report masks it too
    pii_scan.leaks.clear()
    logging.getLogger("workflow.anything").info("id %s", number)
    assert len(pii_scan.leaks) == 1


def test_the_scanner_allows_a_revealed_number_and_the_users_own_typing(app, make, client, pii_scan):
    case = make.case("registered")
    worker = make.user("demo-worker")

    @app.post("/reveal-demo/<int:case_id>")
    def reveal_demo(case_id):
        return f"<p>{reveal.reveal_id_number(case, worker, request.form['reason'])}</p>"

    @app.post("/echo")
    def echo():
        return f"<input value='{request.form['id_number']}'>"

    sign_in(client, worker)
    assert pii.decrypt(case.person.id_cipher) in client.post(f"/reveal-demo/{case.id}",
                                                             data={"reason": "核对"}).get_data(as_text=True)
    typed = make.id_number()
    assert typed in client.post("/echo", data={"id_number": typed}).get_data(as_text=True)
    assert pii_scan.leaks == [] and pii_scan.responses >= 2


def test_the_scanner_allows_numbers_from_the_users_own_upload(app, make, client, pii_scan):
    import io

    number = make.id_number()

    @app.post("/preview")
    def preview():
        return "<td>" + request.files["roster"].read().decode() + "</td>"

    sign_in(client, make.user("demo-supervisor"))
    upload = {"roster": (io.BytesIO(f"张三,{number}".encode()), "roster.csv")}
    assert number in client.post("/preview", data=upload).get_data(as_text=True)
    assert pii_scan.leaks == []
