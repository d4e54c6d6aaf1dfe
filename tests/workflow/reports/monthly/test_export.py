"""Export: Excel in the template's layout, ready for A4 landscape; CSV; both audited."""

import csv
import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.support import frozen
from workflow.db import db
from workflow.models import AuditEvent
from workflow.reports.monthly import export, periods, submission

MARCH = datetime(2026, 3, 5, 2, 0, tzinfo=UTC)
NOW = datetime(2026, 4, 3, 2, 0, tzinfo=UTC)


@pytest.fixture
def copy(make):
    with frozen(MARCH):
        make.case("following")
        make.case("lost", unit="机务段家属院党支部")
    supervisor = make.user("lvyuan-supervisor")
    return submission.submit(supervisor.org_unit, periods.parse("2026-03", NOW), supervisor, "=按时", NOW)


def test_the_workbook_has_merged_headers_the_unit_period_and_submitter(copy, make):
    data, name = export.export_copy(copy.id, make.user("demo-supervisor"), "xlsx", NOW)
    assert name == "绿苑社区党总支-2026-03-第1版.xlsx"
    ws = load_workbook(io.BytesIO(data)).active
    assert ws["A1"].value.startswith("动迁人员") and "绿苑社区党总支" in ws["A2"].value and "2026年3月" in ws["A2"].value
    assert "陈志强" in ws["A3"].value and "2026-04-03 10:00" in ws["A3"].value  # Beijing time
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "A5:A6" in merged and "B5:F5" in merged  # 单位 down two rows; 期末在册 over five columns
    assert (ws["B5"].value, ws["B6"].value, ws["C6"].value, ws["F6"].value) == ("期末在册", "动迁人员", "动迁户", "失联")
    assert (ws["G5"].value, ws["G6"].value) == ("流动党员", "流动党员")
    rows = {ws.cell(r, 1).value: ws.cell(r, 6).value for r in range(7, ws.max_row + 1)}
    assert rows == {"绿苑小区楼院党支部": 0, "机务段家属院党支部": 1, "合计": 1}
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.print_title_rows == "$5:$6"


def test_the_csv_reads_in_excel_and_keeps_text_from_being_a_formula(copy, make):
    data, name = export.export_copy(copy.id, make.user("lvyuan-supervisor"), "csv", NOW)
    assert data.startswith("\ufeff".encode()) and name.endswith(".csv")
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert lines[3][:3] == ["单位", "期末在册-动迁人员", "期末在册-动迁户"]
    assert lines[-1][0] == "合计" and lines[-1][5] == "1"


def test_every_export_is_audited(copy, make):
    viewer = make.user("demo-supervisor")
    export.export_copy(copy.id, viewer, "xlsx", NOW, address="10.0.0.9")
    export.export_draft(viewer.org_unit, "2026-03", viewer, "csv", NOW)
    rows = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "monthly_report_export").order_by(AuditEvent.id)).all()
    assert [(r.detail["format"], r.detail["version"], r.address) for r in rows] == [("xlsx", 1, "10.0.0.9"),
                                                                                    ("csv", None, None)]


def test_a_copy_of_another_subtree_is_not_exported(copy, make):
    with pytest.raises(LookupError, match=str(copy.id)):
        export.export_copy(copy.id, make.user("qingjiang-worker"), "xlsx", NOW)
