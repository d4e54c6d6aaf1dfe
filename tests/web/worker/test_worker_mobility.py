"""A party member's 流动党员 card: the computed six-month line, the situation, the 活动证 register."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from tests.support import frozen
from tests.support.worker import error_of, open_form, send
from workflow.db import db
from workflow.models import ActivityCertificate, Case, MobilityRecord

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def page(client, case_id):
    return client.get(f"/cases/{case_id}").get_data(as_text=True)


def certificates(case_id):
    return db.session.scalar(select(func.count()).where(ActivityCertificate.case_id == case_id))


def mobile_case(make, client, auth, when=T0):
    """A member who moved out at when and is registered 长期外出/流动 to Beijing since that day."""
    with frozen(when):
        case = make.case("following")
        auth.login()
        response = send(client, f"/cases/{case.id}/mobility/situation",
                        {"situation": "long", "since": "2026-03-02", "dest_province": "北京", "dest_city": "丰台"})
        assert response.status_code == 302
    return case


def test_case_page_counts_the_absence_towards_the_six_month_line(client, auth, make):
    with frozen(T0):
        case = make.case("following")
    with frozen(T0 + timedelta(days=165)):  # 2026-08-14: 5 months 12 days; the line is on 2026-09-02
        auth.login()
        text = page(client, case.id)
    assert "外出 5个月12天，距流动党员认定还有19天" in text
    assert "本地" in text and "task-line" not in text


def test_crossing_the_line_asks_the_worker_to_register_the_member(client, auth, make):
    with frozen(T0):
        case = make.case("following")
    with frozen(T0 + timedelta(days=190)):
        auth.login()
        text = page(client, case.id)
    assert "已满六个月，应登记为流动党员" in text
    assert "登记为流动党员（长期外出/流动），或建议转接组织关系" in text


def test_organisational_life_with_the_branch_restarts_the_absence(client, auth, make):
    from workflow.cases import services
    with frozen(T0):
        case = make.case("following")
    with frozen(T0 + timedelta(days=150)):
        services.record_follow_up(db.session.get(Case, case.id), make.user("demo-worker"), kind="org_life",
                                  outcome="reached", contacted_at=T0 + timedelta(days=150))
    with frozen(T0 + timedelta(days=190)):
        auth.login()
        text = page(client, case.id)
    assert "外出 1个月9天，距流动党员认定还有" in text


def test_a_mobile_situation_needs_a_destination_and_keeps_what_was_typed(client, auth, make):
    case = make.case("following")
    auth.login()
    response = send(client, f"/cases/{case.id}/mobility/situation",
                    {"situation": "long", "since": "2026-01-05", "dest_province": "", "note": "在京务工"})
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "“长期外出/流动”需要填写去向省份和城市" in text and "在京务工" in text
    assert db.session.scalar(select(func.count()).where(MobilityRecord.case_id == case.id)) == 0


def test_a_new_situation_keeps_the_old_one_as_history(client, auth, make):
    case = mobile_case(make, client, auth)
    with frozen(T0 + timedelta(days=40)):
        auth.login()  # the session of the day before has ended
        send(client, f"/cases/{case.id}/mobility/situation",
             {"situation": "abroad", "since": "2026-04-01", "dest_province": "境外", "dest_city": "新加坡"})
        text = page(client, case.id)
        shown = client.get(f"/cases/{case.id}/mobility/situation").get_data(as_text=True)
        assert 'value="新加坡"' in shown and 'value="2026-04-01"' in shown  # the form starts from the record
    rows = db.session.execute(select(MobilityRecord.situation, MobilityRecord.is_current)
                              .where(MobilityRecord.case_id == case.id).order_by(MobilityRecord.id)).all()
    assert [tuple(r) for r in rows] == [("long", False), ("abroad", True)]
    assert "出国(境)" in text and "新加坡" in text and "流动情况变更" in text


def test_a_resident_has_no_mobility_card_and_is_refused(client, auth, make):
    case = make.case("following", member=False)
    auth.login()
    assert 'id="mobility"' not in page(client, case.id)
    response = client.post(f"/cases/{case.id}/mobility/situation", data={"situation": "long"})
    assert response.status_code == 403
    assert "流动党员管理只适用于党员，居民不适用" in response.get_data(as_text=True)


# ---------------------------------------------------------------- 活动证

def issue(client, case_id, **changes):
    data = {"number": "LY2026-001", "issued_on": "2026-03-02", "duration_months": "12",
            "expires_on": "2027-03-01", "reason": "外出务工", "dest_province": "北京", "dest_city": "丰台", **changes}
    return send(client, f"/cases/{case_id}/mobility/certificates/new", data)


def test_a_certificate_needs_the_member_registered_as_mobile(client, auth, make):
    case = make.case("following")
    auth.login()
    assert "发放活动证</a>" not in page(client, case.id)
    shown = client.get(f"/cases/{case.id}/mobility/certificates/new").get_data(as_text=True)
    assert "只有登记为流动党员" in shown and 'name="number"' not in shown
    posted = client.post(f"/cases/{case.id}/mobility/certificates/new",
                         data={"version": str(case.version), "number": "X1", "issued_on": "2026-03-02",
                               "duration_months": "6", "expires_on": "2026-09-01", "reason": "务工",
                               "dest_province": "北京", "dest_city": "丰台"})
    assert posted.status_code == 403
    assert "只有登记为流动党员" in posted.get_data(as_text=True) and certificates(case.id) == 0


def test_certificate_errors_are_specific_chinese_and_write_nothing(client, auth, make):
    case = mobile_case(make, client, auth)
    with frozen(T0 + timedelta(days=1)):
        auth.login()  # the session of the day before has ended
        response = issue(client, case.id, expires_on="2026-02-01", reason="  外出务工  ")
        text = response.get_data(as_text=True)
        assert response.status_code == 422 and "有效期至应晚于发证日期" in text and "外出务工" in text
        response = issue(client, case.id, duration_months="30", expires_on="2028-09-01")
        assert "预计外出时长应为1至24个月" in response.get_data(as_text=True)
        response = issue(client, case.id, duration_months="6")
        assert "有效期不能超过预计外出时长（6个月，至2026-09-02）" in response.get_data(as_text=True)
        response = issue(client, case.id, duration_months="十二")
        assert error_of(response.get_data(as_text=True), "duration_months") == "预计外出时长应填写整数月数，如 12"
        response = issue(client, case.id, dest_province="火星")
        assert error_of(response.get_data(as_text=True), "dest_province") == "请从列表中选择去向省份"
        response = issue(client, case.id, issued_on="2026-13-01")
        assert error_of(response.get_data(as_text=True), "issued_on").startswith("日期格式错误")
    assert certificates(case.id) == 0


def test_a_number_is_unique_in_the_district(client, auth, make):
    first = mobile_case(make, client, auth)
    second = mobile_case(make, client, auth)
    with frozen(T0 + timedelta(days=1)):
        auth.login()  # the session of the day before has ended
        assert issue(client, first.id).status_code == 302
        response = issue(client, second.id)
    assert response.status_code == 422
    assert "活动证编号“LY2026-001”在本区已被使用" in response.get_data(as_text=True)
    assert certificates(second.id) == 0


def test_issue_print_renew_and_revoke_a_certificate(client, auth, make):
    case = mobile_case(make, client, auth)
    with frozen(T0 + timedelta(days=1)):
        auth.login()  # the session of the day before has ended
        assert issue(client, case.id).status_code == 302
        text = page(client, case.id)
        assert "LY2026-001" in text and "发放活动证" in text
        cert = db.session.scalar(select(ActivityCertificate).where(ActivityCertificate.case_id == case.id))
        stub = client.get(f"/cases/{case.id}/mobility/certificates/{cert.id}/print").get_data(as_text=True)
        assert "流动党员活动证" in stub and "存根" in stub and "绿苑小区楼院党支部" in stub and "seal-area" in stub
        base = f"/cases/{case.id}/mobility/certificates/{cert.id}"
        response = send(client, base + "/renew", {"duration_months": "18", "expires_on": "2027-01-01"})
        assert "续期后的有效期应晚于原有效期（2027-03-01）" in response.get_data(as_text=True)
        assert send(client, base + "/renew", {"duration_months": "18", "expires_on": "2027-09-01"}).status_code == 302
        response = send(client, base + "/revoke", {"revoked_on": "2026-03-03", "reason": ""})
        assert error_of(response.get_data(as_text=True), "reason") == "请填写收回原因"
        assert send(client, base + "/revoke", {"revoked_on": "2026-03-03", "reason": "返回原籍"}).status_code == 302
        text = page(client, case.id)
    db.session.expire_all()
    cert = db.session.get(ActivityCertificate, cert.id)
    assert (cert.expires_on, cert.renewals, cert.status) == (date(2027, 9, 1), 1, "revoked")
    assert "活动证续期" in text and "收回活动证" in text and "已收回" in text


def test_a_certificate_of_another_case_is_not_found(client, auth, make):
    case = mobile_case(make, client, auth)
    other = mobile_case(make, client, auth)
    with frozen(T0 + timedelta(days=1)):
        auth.login()  # the session of the day before has ended
        issue(client, case.id)
        cert = db.session.scalar(select(ActivityCertificate.id).where(ActivityCertificate.case_id == case.id))
        assert client.get(f"/cases/{other.id}/mobility/certificates/{cert}/print").status_code == 404
        open_form(client, f"/cases/{case.id}/mobility/certificates/{cert}/renew")


def test_the_yearly_report_deadline_shows_on_the_due_list_when_near(client, auth, make):
    case = mobile_case(make, client, auth)
    with frozen(T0 + timedelta(days=300)):  # 2026-12-27: due 2027-03-02, outside the 30 days' lead
        auth.login()
        assert 'id="mobility-due"' not in client.get("/").get_data(as_text=True)
    with frozen(T0 + timedelta(days=345)):  # 2027-02-10
        auth.login()
        text = client.get("/").get_data(as_text=True)
    assert 'id="mobility-due"' in text and 'data-kind="report"' in text
    assert "定期报告" in text and "还有20天（2027-03-02）" in text
    assert f'href="/cases/{case.id}#mobility"' in text


def test_the_members_own_check_in_on_the_card_link_is_their_yearly_report(app, client, auth, make):
    from tests.support.member import issue_link, verified
    from tests.web.member.test_member_reports import submission

    case = mobile_case(make, client, auth)
    with frozen(T0 + timedelta(days=345)):  # 2027-02-10: the report is due 2027-03-02
        auth.login()
        assert "还有20天（2027-03-02）" in page(client, case.id)
        token = issue_link(client, case)
        member = verified(app, case, token)
        sid = submission(member.get(f"/m/{token}").get_data(as_text=True), "checkin")
        assert member.post(f"/m/{token}/checkin", data={"submission": sid}).status_code == 302
        text = page(client, case.id)
        assert "还有365天（2028-02-10）" in text
        assert 'id="mobility-due"' not in client.get("/").get_data(as_text=True)
