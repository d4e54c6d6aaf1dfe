"""Roster (摸底名单) import: every row's problems first, then all or nothing, never twice."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from tests.support.factories import roster_bytes
from workflow.cases import registration
from workflow.db import db
from workflow.demo.synthetic import wrong_check_digit
from workflow.models import AuditEvent, Case, ImportBatch, Person, TransitionRecord
from workflow.privacy import pii
from workflow.roster import importer
from workflow.roster.limits import RosterFileError


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def people(make):
    """Three fresh ID numbers and one of a person already in project 0."""
    existing = make.case("identified")
    return {"a": make.id_number(), "b": make.id_number(), "c": make.id_number(),
            "existing": pii.decrypt(existing.person.id_cipher), "case": existing}


def _check(make, rows, viewer="lvyuan-supervisor", kind="xlsx", **kwargs):
    return importer.check(f"名单.{kind}", roster_bytes(rows, kind, **kwargs), make.project(0), make.user(viewer))


def test_preview_lists_every_rows_problems(make, people):
    rows = [
        ["张三", people["a"], "绿苑小区楼院党支部", "13812345678", "是", "商丘市梁园区平原路1号"],
        ["李四", wrong_check_digit(people["b"]), "绿苑小区楼院党支部", "", "否", ""],
        ["王五", people["c"], "绿苑小区楼院党支部", "1381234", "", ""],
        ["赵六", make.id_number(), "不存在的支部", "", "", ""],
        ["钱七", make.id_number(), "清江花园楼院党支部", "", "", ""],  # a sibling community
        ["孙八", people["a"], "机务段家属院党支部", "", "", ""],
        ["", make.id_number(), "绿苑小区楼院党支部", "", "也许", ""],
        ["周九", people["existing"], "绿苑小区楼院党支部", "", "", ""],
    ]
    preview = _check(make, rows)
    by_row = {r.number: r for r in preview.rows}
    assert [r.number for r in preview.rows] == [2, 3, 4, 5, 6, 7, 8, 9]  # spreadsheet rows, header is row 1
    assert by_row[2].status == "new" and by_row[2].errors == [] and by_row[2].member is True
    assert by_row[3].errors == ["身份证号校验位错误（最后一位）"]
    assert by_row[4].errors == ["手机号码无效：应为11位中国大陆手机号"]
    assert by_row[5].errors == ["所属组织“不存在的支部”不存在或不在您的管辖范围内"]
    assert by_row[6].errors == ["所属组织“清江花园楼院党支部”不存在或不在您的管辖范围内"]
    assert by_row[7].errors == ["身份证号与第2行重复"]
    assert by_row[8].errors == ["缺少姓名", "是否党员应填“是”或“否”，不是“也许”"]
    assert by_row[9].status == "skip" and by_row[9].skip == "此人已在本项目中，跳过"
    assert not preview.clean and len(preview.of("error")) == 6
    assert _count(Person) == 1  # the preview wrote nothing


def test_rows_with_errors_import_nothing(make, people):
    rows = [["张三", people["a"], "绿苑小区楼院党支部", "", "", ""],
            ["李四", wrong_check_digit(people["b"]), "绿苑小区楼院党支部", "", "", ""]]
    data = roster_bytes(rows)
    viewer = make.user("lvyuan-supervisor")
    preview = importer.check("名单.xlsx", data, make.project(0), viewer)
    batch = importer.stage("名单.xlsx", data, make.project(0), viewer, None, preview)
    with pytest.raises(importer.ImportRefused, match="名单中有1行错误"):
        importer.confirm(batch, viewer)
    assert _count(Case) == 1 and _count(Person) == 1
    assert db.session.get(ImportBatch, batch.id).status == "previewed"


def test_clean_roster_imports_new_people_and_skips_known_ones(make, people):
    worker = make.user("demo-worker")
    rows = [["张三", people["a"], "绿苑小区楼院党支部", "13812345678", "是", "商丘市梁园区平原路1号"],
            ["李四", people["b"], "绿苑2号楼党小组", "", "否", ""],
            ["周九", people["existing"], "绿苑小区楼院党支部", "", "", ""]]
    data = roster_bytes(rows)
    viewer = make.user("lvyuan-supervisor")
    preview = importer.check("名单.xlsx", data, make.project(0), viewer, worker)
    batch = importer.stage("名单.xlsx", data, make.project(0), viewer, worker, preview)
    importer.confirm(batch, viewer)
    added = db.session.scalars(select(Case).where(Case.id != people["case"].id).order_by(Case.id)).all()
    assert [(c.person.name, c.org_unit.name, c.state, c.worker_id) for c in added] == [
        ("张三", "绿苑小区楼院党支部", "identified", worker.id), ("李四", "绿苑2号楼党小组", "identified", worker.id)]
    zhang = added[0]
    assert zhang.person.is_party_member and zhang.person.id_masked == people["a"][:4] + "*" * 10 + people["a"][-4:]
    assert zhang.next_due_at - zhang.state_entered_at == timedelta(days=7)  # visit within 7 days
    entries = registration.current_entries(zhang.id)
    assert entries["contact"].phone == "13812345678" and entries["original_address"].address == "商丘市梁园区平原路1号"
    listed = db.session.scalar(select(TransitionRecord).where(TransitionRecord.case_id == zhang.id))
    assert (listed.trigger, listed.to_state, listed.data) == ("list", "identified", {"import_batch_id": batch.id})
    done = db.session.get(ImportBatch, batch.id)
    assert (done.status, done.rows_added, done.rows_skipped, done.payload) == ("imported", 2, 1, None)
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "roster_import"))
    assert audit.detail == {"batch": batch.id, "project": make.project(0).id, "added": 2, "skipped": 1}


def test_the_same_file_twice_adds_nothing(make, people):
    rows = [["张三", people["a"], "绿苑小区楼院党支部", "", "", ""], ["李四", people["b"], "绿苑小区楼院党支部", "", "", ""]]
    data = roster_bytes(rows)
    viewer = make.user("lvyuan-supervisor")
    first = importer.stage("名单.xlsx", data, make.project(0), viewer, None, importer.check("名单.xlsx", data, make.project(0), viewer))
    importer.confirm(first, viewer)
    with pytest.raises(importer.ImportRefused, match="该名单已导入"):
        importer.confirm(db.session.get(ImportBatch, first.id), viewer)
    again = importer.check("名单.xlsx", data, make.project(0), viewer)
    assert [r.status for r in again.rows] == ["skip", "skip"]
    second = importer.stage("名单.xlsx", data, make.project(0), viewer, None, again)
    importer.confirm(second, viewer)
    assert _count(Case) == 3 and _count(Person) == 3
    assert importer.earlier_import(make.project(0), second.sha256).id == first.id


def test_a_person_of_another_project_gets_a_new_case_not_a_new_person(make, people):
    rows = [["周九", people["existing"], "绿苑小区楼院党支部", "", "", ""]]
    data = roster_bytes(rows)
    viewer = make.user("lvyuan-supervisor")
    preview = importer.check("名单.xlsx", data, make.project(1), viewer)
    assert preview.rows[0].status == "new" and preview.rows[0].person_id == people["case"].person_id
    importer.confirm(importer.stage("名单.xlsx", data, make.project(1), viewer, None, preview), viewer)
    assert _count(Person) == 1 and _count(Case, Case.person_id == people["case"].person_id) == 2


def test_csv_in_gbk_with_a_title_row_is_read(make, people):
    rows = [["张三", people["a"], "绿苑小区楼院党支部", "138 1234 5678", "党员", ""]]
    preview = _check(make, rows, kind="csv", encoding="gb18030", title="绿苑社区摸底名单（2026年11月）")
    [row] = preview.rows
    assert (row.number, row.name, row.phone, row.member, row.status) == (3, "张三", "13812345678", True, "new")


def test_unreadable_files_are_refused_with_a_reason(make):
    viewer, project = make.user("lvyuan-supervisor"), make.project(0)
    with pytest.raises(RosterFileError, match="没有找到表头"):
        importer.check("名单.csv", roster_bytes([["x"]], "csv", header=("名字", "号码")), project, viewer)
    with pytest.raises(RosterFileError, match="无法读取该Excel文件"):
        importer.check("名单.xlsx", b"not a zip", project, viewer)
    with pytest.raises(RosterFileError, match="只能导入"):
        importer.check("名单.txt", b"", project, viewer)
    with pytest.raises(RosterFileError, match="没有数据行"):
        importer.check("名单.csv", roster_bytes([], "csv"), project, viewer)


def test_ten_thousand_rows_import_with_bulk_statements(make):
    """Behaviour, not timing: every row lands, and the statements do not grow per row."""
    numbers = set()
    while len(numbers) < 10_000:  # synthetic numbers may repeat; the file must not
        numbers.add(make.id_number())
    rows = [[f"居民{i}", number, "绿苑1号楼党小组", make.mobile(), "是" if i % 2 else "否", ""]
            for i, number in enumerate(sorted(numbers))]
    data = roster_bytes(rows, "csv")
    viewer = make.user("lvyuan-supervisor")
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        preview = importer.check("名单.csv", data, make.project(0), viewer)
        batch = importer.stage("名单.csv", data, make.project(0), viewer, None, preview)
        importer.confirm(batch, viewer)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert _count(Case) == 10_000 and _count(Person) == 10_000
    assert _count(TransitionRecord, TransitionRecord.trigger == "list") == 10_000
    assert len(statements) < 250, len(statements)  # batches of lookups and inserts, never one per row


# ------------------------------------------------------------------ the pages

def _upload(client, make, rows, name="名单.xlsx", **extra):
    data = {"project": make.project(0).id, "file": (io.BytesIO(roster_bytes(rows)), name), **extra}
    return client.post("/supervisor/roster", data=data, content_type="multipart/form-data")


def test_upload_preview_confirm_and_result(client, auth, make, people):
    auth.login("lvyuan-supervisor")
    response = _upload(client, make, [["张三", people["a"], "绿苑小区楼院党支部", "", "", ""],
                                      ["周九", people["existing"], "绿苑小区楼院党支部", "", "", ""]])
    assert response.status_code == 302
    preview = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "可新增1人" in preview and "已在本项目中1人（跳过）" in preview and "确认导入1人" in preview
    assert people["a"] not in preview  # shown masked
    batch = db.session.scalar(select(ImportBatch))
    done = client.post(f"/supervisor/roster/{batch.id}/confirm", follow_redirects=True).get_data(as_text=True)
    assert "已导入1人，跳过1人" in done and 'id="rows-added">1<' in done
    again = client.post(f"/supervisor/roster/{batch.id}/confirm", follow_redirects=True).get_data(as_text=True)
    assert "该名单已导入，不会重复导入" in again
    assert _count(Case) == 2


def test_preview_with_errors_offers_no_import(client, auth, make, people):
    auth.login("lvyuan-supervisor")
    response = _upload(client, make, [["李四", wrong_check_digit(people["b"]), "绿苑小区楼院党支部", "", "", ""]])
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-row="2"' in page and "身份证号校验位错误（最后一位）" in page
    assert "确认导入" not in page and "有错误1行" in page
    batch = db.session.scalar(select(ImportBatch))
    refused = client.post(f"/supervisor/roster/{batch.id}/confirm")
    assert refused.status_code == 400 and "名单中有1行错误" in refused.get_data(as_text=True)
    assert _count(Case) == 1


def test_upload_errors_are_next_to_the_field(client, auth, make):
    auth.login("lvyuan-supervisor")
    response = _upload(client, make, [["a"]], name="名单.txt")
    assert response.status_code == 400 and "只能导入 .xlsx 或 .csv 文件" in response.get_data(as_text=True)
    response = client.post("/supervisor/roster", data={"project": ""}, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert "请选择动迁项目" in page and "请选择要导入的文件" in page
    response = client.post("/supervisor/roster", data={
        "project": make.project(0).id, "file": (io.BytesIO(roster_bytes([], header=("x",))), "名单.xlsx")},
        content_type="multipart/form-data")
    assert "没有找到表头" in response.get_data(as_text=True)
    assert _count(ImportBatch) == 0


def test_another_users_batch_is_404(client, auth, make, people):
    auth.login("lvyuan-supervisor")
    _upload(client, make, [["张三", people["a"], "绿苑小区楼院党支部", "", "", ""]])
    batch = db.session.scalar(select(ImportBatch))
    auth.login("demo-supervisor")
    assert client.get(f"/supervisor/roster/{batch.id}").status_code == 404
    assert client.post(f"/supervisor/roster/{batch.id}/confirm").status_code == 404
    assert _count(Case) == 1
