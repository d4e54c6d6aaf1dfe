"""The Excel 台账: header, the paper ledger's columns, masking, full values on request, logging."""

import io
from datetime import UTC, datetime

import pytest
import time_machine
from openpyxl import load_workbook
from sqlalchemy import select

from workflow.cases import registration
from workflow.db import db
from workflow.models import AuditEvent
from workflow.privacy import pii
from workflow.privacy.identity import mask_phone

NOW = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)
COLUMNS = ["序号", "姓名", "性别", "身份证号", "身份", "项目", "所属组织", "原住址", "去向住址", "住址类型",
           "手机号码", "备用联系人", "备用电话", "工作单位", "务工地", "组织关系", "入户走访日期", "联系卡发放日期",
           "联络群", "入群日期", "状态", "最近联系", "下一期限", "责任人", "户号", "户主"]
HEADER_ROW = 8  # title, unit, who, when, filter, masking, blank, then the column headers


@pytest.fixture
def cases(make):
    with time_machine.travel(NOW, tick=False):
        return {"following": make.case("following"), "in_review": make.case("in_review"),
                "sibling": make.case("following", unit="清江花园楼院党支部", worker="qingjiang-worker")}


def _export(client, make, full=False, **filters):
    data = {"unit": make.unit("绿苑社区党总支").id, **filters}
    if full:
        data.update(full="y", reason="区委组织部核对安置名单")
    with time_machine.travel(NOW, tick=False):
        response = client.post("/supervisor/ledger.xlsx", data=data)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return load_workbook(io.BytesIO(response.data)).active, response


def _rows(sheet):
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = values[HEADER_ROW - 1]
    body = [r for r in values[HEADER_ROW:] if r and isinstance(r[0], int)]
    return header, body, values


def test_header_names_the_unit_who_and_when(client, auth, make, cases):
    with time_machine.travel(NOW, tick=False):
        auth.login("lvyuan-supervisor")
    sheet, response = _export(client, make)
    _header, _body, values = _rows(sheet)
    assert values[0][0] == "动迁登记台账"
    assert values[1][0] == "单位：绿苑社区党总支"
    assert values[2][0] == "导出人：陈志强（lvyuan-supervisor）"
    assert values[3][0] == "导出时间：2026-11-20 12:00（北京时间）"
    assert values[4][0] == "筛选：绿苑社区党总支" and values[5][0] == "身份证号和电话已脱敏"
    assert values[-1][0] == "合计：2条"
    assert "attachment" in response.headers["Content-Disposition"] and ".xlsx" in response.headers["Content-Disposition"]


def test_columns_are_the_paper_ledgers_and_values_are_masked(client, auth, make, cases):
    with time_machine.travel(NOW, tick=False):
        auth.login("lvyuan-supervisor")
    sheet, _response = _export(client, make, state="following")
    header, body, _values = _rows(sheet)
    assert header == COLUMNS
    assert len(body) == 1
    row = dict(zip(COLUMNS, body[0], strict=True))
    case = cases["following"]
    entries = registration.current_entries(case.id)
    assert row["姓名"] == case.person.name and row["身份证号"] == case.person.id_masked
    assert "*" in row["身份证号"] and pii.decrypt(case.person.id_cipher) not in str(body)
    assert row["手机号码"] == mask_phone(entries["contact"].phone) and entries["contact"].phone not in str(body)
    assert row["备用电话"] == mask_phone(entries["contact"].backup_phone)
    assert row["原住址"] == entries["original_address"].address
    assert row["去向住址"] == entries["destination_address"].address and row["住址类型"] == "过渡住址"
    assert row["工作单位"] == entries["workplace"].workplace and row["组织关系"] == "绿苑小区楼院党支部"
    assert row["状态"] == "跟踪中" and row["责任人"] == "王晓红" and row["身份"] == "党员"
    assert row["入户走访日期"] == datetime(2026, 11, 20) and row["联络群"] == "绿苑小区楼院党支部联络群"
    assert row["下一期限"] == datetime(2026, 12, 20, 12, 0)  # 30 days after the move, Shanghai time


def test_full_values_only_on_explicit_request_and_audited(client, auth, make, cases):
    with time_machine.travel(NOW, tick=False):
        auth.login("lvyuan-supervisor")
    _export(client, make)
    sheet, _response = _export(client, make, full=True, state="following")
    _header, body, values = _rows(sheet)
    row = dict(zip(COLUMNS, body[0], strict=True))
    case = cases["following"]
    assert row["身份证号"] == pii.decrypt(case.person.id_cipher)
    assert row["手机号码"] == registration.current_entries(case.id)["contact"].phone
    assert values[5][0] == "身份证号和电话为完整号码（已记录审计）"
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "ledger_export")
                                .order_by(AuditEvent.id)).all()
    me = make.user("lvyuan-supervisor").id
    assert [(e.user_id, e.detail["rows"], e.detail["full"]) for e in events] == [(me, 2, False), (me, 1, True)]
    assert events[1].detail["filter"] == {"unit": make.unit("绿苑社区党总支").id, "state": "following"}
    assert pii.decrypt(case.person.id_cipher) not in str([e.detail for e in events])
    reveals = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "reveal_id_bulk")).all()
    assert [(e.user_id, e.detail["reason"], e.detail["count"]) for e in reveals] == [(me, "区委组织部核对安置名单", 1)]


def test_full_values_need_a_reason_and_nothing_is_exported_without(client, auth, make, cases):
    with time_machine.travel(NOW, tick=False):
        auth.login("lvyuan-supervisor")
        response = client.post("/supervisor/ledger.xlsx", data={"unit": make.unit("绿苑社区党总支").id, "full": "y"})
    assert response.status_code == 422
    assert "导出完整号码须填写原因" in response.get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "ledger_export")) is None


def test_formula_like_text_is_written_as_text(client, auth, make, cases):
    case = cases["following"]
    from workflow.models import RegistrationEntry
    db.session.execute(RegistrationEntry.__table__.update().where(
        RegistrationEntry.case_id == case.id, RegistrationEntry.item == "workplace").values(workplace="=HYPERLINK(\"http://x\")"))
    db.session.commit()
    with time_machine.travel(NOW, tick=False):
        auth.login("lvyuan-supervisor")
    sheet, _response = _export(client, make, state="following")
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "'=HYPERLINK(\"http://x\")" in values


def test_export_is_exactly_the_filter_and_never_a_sibling(client, auth, make, cases):
    with time_machine.travel(NOW, tick=False):
        auth.login("demo-supervisor")
    sheet, _response = _export(client, make, unit=make.unit("白云街道党工委").id)
    names = {r[1] for r in _rows(sheet)[1]}
    assert names == {c.person.name for c in cases.values()}
    with time_machine.travel(NOW, tick=False):
        auth.login("lvyuan-supervisor")
        response = client.post("/supervisor/ledger.xlsx", data={"unit": make.unit("清江社区党总支").id})
    assert response.status_code == 404
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "ledger_export",
                                                      AuditEvent.user_id == make.user("lvyuan-supervisor").id)) is None


def test_worker_cannot_export(client, auth, make, cases):
    auth.login("demo-worker")
    assert client.post("/supervisor/ledger.xlsx", data={}).status_code == 403


def test_members_of_a_household_carry_its_number_and_head(client, auth, make, cases):
    from workflow.households import members
    with time_machine.travel(NOW, tick=False):
        worker = make.user("demo-worker")
        household = members.create_household(worker, cases["following"], number="LY-0031")
        members.add_member(worker, household, cases["in_review"])
        auth.login("lvyuan-supervisor")
    _sheet, _response = _export(client, make)
    header, body, _values = _rows(_sheet)
    rows = {row[1]: dict(zip(header, row, strict=True)) for row in body}
    head_name = cases["following"].person.name
    assert rows[head_name]["户号"] == "LY-0031" and rows[head_name]["户主"] == head_name
    assert rows[cases["in_review"].person.name]["户号"] == "LY-0031"
    assert rows[cases["in_review"].person.name]["户主"] == head_name
