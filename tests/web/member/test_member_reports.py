"""What a verified member sends, and the worker's 成员自报: once per tap, audited, never on a frozen case."""

import re

from sqlalchemy import func, select

from tests.support.member import fresh, issue_link, verified
from workflow.cases import registration
from workflow.db import db
from workflow.models import AuditEvent, ContactLog, MemberReport, RegistrationEntry


def submission(page, action):
    """The submission id the member page put in one action's form."""
    form = page.split(f"/{action}\"", 1)[1]
    return re.search(r'name="submission" type="hidden" value="([^"]+)"', form).group(1)


def member_on(app, client, auth, make, state="following"):
    case = make.case(state)
    auth.login()
    token = issue_link(client, case)
    return case, token, verified(app, case, token)


def test_a_check_in_is_a_self_contact_that_resets_the_rhythm_once_however_often_tapped(client, auth, make, app):
    case, token, member = member_on(app, client, auth, make)
    due_before = case.next_due_at
    page = member.get(f"/m/{token}").get_data(as_text=True)
    sid = submission(page, "checkin")
    answers = [member.post(f"/m/{token}/checkin", data={"submission": sid}) for _ in range(2)]
    assert [a.status_code for a in answers] == [302, 302]
    logs = db.session.scalars(select(ContactLog).where(ContactLog.case_id == case.id, ContactLog.kind == "self")).all()
    assert len(logs) == 1 and logs[0].user_id is None
    assert fresh(case).next_due_at > due_before and fresh(case).last_contact_at == logs[0].contacted_at
    assert db.session.scalar(select(func.count()).where(MemberReport.case_id == case.id)) == 1
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "member_report")) == 1
    page = member.get(f"/m/{token}").get_data(as_text=True)
    assert "已收到，谢谢！" in page and "已记录" in page
    timeline = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "本人报到" in timeline


def test_the_process_setting_can_keep_a_check_in_from_counting(client, auth, make, app):
    app.extensions["process_engine"].definition.settings["self_checkin_counts"] = False
    try:
        case, token, member = member_on(app, client, auth, make)
        due_before = case.next_due_at
        sid = submission(member.get(f"/m/{token}").get_data(as_text=True), "checkin")
        member.post(f"/m/{token}/checkin", data={"submission": sid})
        assert fresh(case).next_due_at == due_before
    finally:
        app.extensions["process_engine"].definition.settings["self_checkin_counts"] = True


def test_a_bad_phone_gets_the_same_chinese_error_as_the_worker_forms(client, auth, make, app):
    case, token, member = member_on(app, client, auth, make)
    sid = submission(member.get(f"/m/{token}").get_data(as_text=True), "change")
    answer = member.post(f"/m/{token}/change", data={"submission": sid, "item": "contact", "phone": "12345"})
    assert answer.status_code == 422
    assert "手机号码无效：应为11位中国大陆手机号" in answer.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(MemberReport)) == 0


def test_a_confirmed_address_change_is_a_new_entry_with_the_old_one_kept(client, auth, make, app):
    case, token, member = member_on(app, client, auth, make)
    old = registration.current_entries(case.id)["destination_address"]
    sid = submission(member.get(f"/m/{token}").get_data(as_text=True), "change")
    member.post(f"/m/{token}/change", data={"submission": sid, "item": "destination_address",
                                            "address": "商丘市梁园区新城安置小区8号楼", "address_kind": "resettlement"})
    assert "待确认" in member.get(f"/m/{token}").get_data(as_text=True)
    listing = client.get("/self-reports").get_data(as_text=True)
    assert "商丘市梁园区新城安置小区8号楼" in listing and case.person.name in listing
    [report] = db.session.scalars(select(MemberReport)).all()
    assert client.post(f"/self-reports/{report.id}/confirm").status_code == 302
    entries = db.session.scalars(select(RegistrationEntry).where(
        RegistrationEntry.case_id == case.id, RegistrationEntry.item == "destination_address")
        .order_by(RegistrationEntry.id)).all()
    assert [e.is_current for e in entries] == [False, True] and entries[0].id == old.id
    assert entries[1].address == "商丘市梁园区新城安置小区8号楼" and entries[1].source == "member"
    assert "已确认" in member.get(f"/m/{token}").get_data(as_text=True)
    assert "没有待处理的成员自报" in client.get("/self-reports").get_data(as_text=True)


def test_a_rejected_change_shows_its_reason_to_the_member(client, auth, make, app):
    case, token, member = member_on(app, client, auth, make)
    sid = submission(member.get(f"/m/{token}").get_data(as_text=True), "change")
    member.post(f"/m/{token}/change", data={"submission": sid, "item": "workplace", "workplace": "某某物流园"})
    [report] = db.session.scalars(select(MemberReport)).all()
    client.post(f"/self-reports/{report.id}/reject", data={"reason": ""})
    assert fresh(case) and db.session.get(MemberReport, report.id).status == "pending"
    client.post(f"/self-reports/{report.id}/reject", data={"reason": "电话核实后仍在原单位"})
    page = member.get(f"/m/{token}").get_data(as_text=True)
    assert "未采纳" in page and "电话核实后仍在原单位" in page


def test_a_transfer_request_leads_the_worker_to_the_handover(client, auth, make, app):
    case, token, member = member_on(app, client, auth, make)
    sid = submission(member.get(f"/m/{token}").get_data(as_text=True), "request")
    member.post(f"/m/{token}/request", data={"submission": sid, "kind": "transfer", "note": "已在北京丰台定居"})
    [report] = db.session.scalars(select(MemberReport)).all()
    assert report.status == "pending" and report.kind == "transfer"
    answer = client.post(f"/self-reports/{report.id}/handover")
    assert answer.status_code == 302 and answer.location.endswith(f"/cases/{case.id}/handover")
    assert db.session.get(MemberReport, report.id).status == "confirmed"


def test_org_life_is_a_contact_on_its_day(client, auth, make, app):
    case, token, member = member_on(app, client, auth, make)
    sid = submission(member.get(f"/m/{token}").get_data(as_text=True), "org_life")
    from tests.support.worker import today
    member.post(f"/m/{token}/org_life", data={"submission": sid, "attended_on": today(), "place": "online"})
    [log] = db.session.scalars(select(ContactLog).where(ContactLog.case_id == case.id,
                                                        ContactLog.kind == "org_life")).all()
    assert "线上" in log.notes


def test_a_case_frozen_in_review_takes_no_self_report(client, auth, make, app):
    case, token, member = member_on(app, client, auth, make, state="in_review")
    page = member.get(f"/m/{token}").get_data(as_text=True)
    assert "审核期间暂时不能在这里提交" in page
    answer = member.post(f"/m/{token}/checkin", data={"submission": "forced-one"})
    assert answer.status_code == 409
    assert db.session.scalar(select(func.count()).select_from(MemberReport)) == 0


def test_an_expired_visit_asks_again_and_writes_nothing(client, auth, make, app):
    case, token, member = member_on(app, client, auth, make)
    app.config["MEMBER_VISIT_MINUTES"] = -1
    stranger = app.test_client()
    answer = stranger.post(f"/m/{token}/checkin", data={"submission": "x-1"})
    assert answer.status_code == 302 and answer.location.endswith(f"/m/{token}")
    assert db.session.scalar(select(func.count()).select_from(MemberReport)) == 0


def test_another_units_worker_cannot_decide(client, auth, make, app):
    case, token, member = member_on(app, client, auth, make)
    sid = submission(member.get(f"/m/{token}").get_data(as_text=True), "change")
    member.post(f"/m/{token}/change", data={"submission": sid, "item": "workplace", "workplace": "某某物流园"})
    [report] = db.session.scalars(select(MemberReport)).all()
    auth.logout()
    auth.login("qingjiang-worker")
    assert case.person.name not in client.get("/self-reports").get_data(as_text=True)
    assert client.post(f"/self-reports/{report.id}/confirm").status_code == 404
    assert db.session.get(MemberReport, report.id).status == "pending"
