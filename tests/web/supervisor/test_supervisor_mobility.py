"""The supervisor's 流动党员 view: each number links to exactly its members, and both lists export."""

import io
from datetime import UTC, date, datetime, timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from tests.support import frozen
from workflow.cases import registration
from workflow.db import db
from workflow.mobility import certificates, situations
from workflow.models import AuditEvent, Case

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def situated(make, situation, city, province="北京", unit="绿苑小区楼院党支部"):
    with frozen(T0):
        case = make.case("following", unit=unit)
        situations.set_situation(db.session.get(Case, case.id), make.user("demo-worker"), situation=situation,
                                 since=date(2026, 3, 2), dest_province=province, dest_city=city)
    return case


def members(page):
    import re
    return sorted(int(n) for n in re.findall(r'<tr data-case="(\d+)"', page))


def login(client):
    client.post("/login", data={"username": "demo-supervisor", "password": "Test-pass-2026"})


def test_numbers_by_situation_and_city_link_to_exactly_their_members(client, make):
    beijing = [situated(make, "long", "丰台"), situated(make, "long", "丰台")]
    shenzhen = situated(make, "long", "南山", province="广东")
    abroad = situated(make, "abroad", "新加坡", province="境外")
    with frozen(T0):
        make.case("following", member=False)  # a resident: never counted
    with frozen(T0 + timedelta(days=200)):
        login(client)
        page = client.get("/supervisor/mobility").get_data(as_text=True)
        assert 'data-table="places-table"' in page and "北京 丰台" in page and "广东 南山" in page
        cell = client.get("/supervisor/mobility/cases?unit=1&situation=long&province=北京&city=丰台")
        assert members(cell.get_data(as_text=True)) == sorted(c.id for c in beijing)
        serious = client.get("/supervisor/mobility/cases?unit=1&bucket=abroad").get_data(as_text=True)
        assert members(serious) == [abroad.id]
        mobile = client.get("/supervisor/mobility/cases?unit=1&bucket=mobile").get_data(as_text=True)
        assert members(mobile) == sorted([*(c.id for c in beijing), shenzhen.id, abroad.id])
        assert client.get("/supervisor/mobility/cases?bucket=nonsense").status_code == 404


def test_overdue_reports_and_certificates_expiring_are_counted_and_listed(client, make):
    late = situated(make, "long", "丰台")
    with frozen(T0):
        certificates.issue(db.session.get(Case, late.id), make.user("demo-worker"), number="BJ-1",
                           issued_on=date(2026, 3, 2), expires_on=date(2027, 3, 1), duration_months=12,
                           reason="务工", dest_province="北京", dest_city="丰台")
    with frozen(T0 + timedelta(days=370)):  # 2027-03-07: no report for a year, the certificate expired
        login(client)
        page = client.get("/supervisor/mobility").get_data(as_text=True)
        assert 'href="/supervisor/mobility/cases?unit=1&amp;bucket=report"' in page
        assert members(client.get("/supervisor/mobility/cases?unit=1&bucket=report").get_data(as_text=True)) == [late.id]
        listed = client.get("/supervisor/mobility/cases?unit=1&bucket=certificate").get_data(as_text=True)
        assert members(listed) == [late.id]
        dashboard = client.get("/supervisor/").get_data(as_text=True)
        assert 'id="mobility-summary"' in dashboard and "定期报告逾期" in dashboard


def test_the_six_month_line_and_transfer_suggestion_appear_on_the_dashboard(client, make):
    with frozen(T0):
        away = make.case("following")
    settled = situated(make, "long", "丰台")
    with frozen(T0 + timedelta(days=10)):
        registration.record(db.session.get(Case, settled.id), "destination_address", make.user("demo-worker"),
                            address="北京市丰台区花乡某小区", address_kind="resettlement")
        db.session.commit()
    with frozen(T0 + timedelta(days=200)):
        login(client)
        dashboard = client.get("/supervisor/").get_data(as_text=True)
        line = client.get("/supervisor/mobility/cases?unit=1&bucket=line").get_data(as_text=True)
        transfer = client.get("/supervisor/mobility/cases?unit=1&bucket=transfer").get_data(as_text=True)
    assert away.id in members(line) and settled.id not in members(line)
    assert members(transfer) == [settled.id]
    assert "应转尽转待移交" in dashboard and "最长已等190天" in dashboard


def test_the_list_and_the_register_export_to_excel_masked_and_audited(client, make):
    case = situated(make, "long", "丰台")
    with frozen(T0):
        certificates.issue(db.session.get(Case, case.id), make.user("demo-worker"), number="=BJ-2",
                           issued_on=date(2026, 3, 2), expires_on=date(2027, 3, 1), duration_months=12,
                           reason="务工", dest_province="北京", dest_city="丰台")
    with frozen(T0 + timedelta(days=5)):
        login(client)
        response = client.post("/supervisor/mobility/cases.xlsx", data={"unit": "1", "bucket": "mobile"})
        assert response.status_code == 200
        rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
        data = [r for r in rows if r and r[0] == 1]
        assert data[0][1] == case.person.name and "*" in data[0][2] and data[0][4] == "长期外出/流动"
        register = client.post("/supervisor/mobility/certificates.xlsx", data={"unit": "1"})
        rows = list(load_workbook(io.BytesIO(register.data)).active.iter_rows(values_only=True))
        assert [r[1] for r in rows if r and r[0] == 1] == ["'=BJ-2"]  # never a formula
        page = client.get("/supervisor/mobility/certificates").get_data(as_text=True)
        assert 'data-number="=BJ-2"' in page
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("%export"))).all()
    assert sorted(actions) == ["certificate_export", "mobility_export"]


def test_a_worker_cannot_open_the_supervisor_view_and_a_unit_outside_is_not_found(client, auth, make):
    auth.login()
    assert client.get("/supervisor/mobility").status_code == 403
    client.post("/logout")
    client.post("/login", data={"username": "lvyuan-supervisor", "password": "Test-pass-2026"})
    qingjiang = make.unit("清江社区党总支")
    assert client.get(f"/supervisor/mobility?unit={qingjiang.id}").status_code == 404
    assert client.get("/supervisor/mobility").status_code == 200
