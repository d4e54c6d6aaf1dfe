"""Confirming a roster reuses the preview's field checks, never what can change after it; it writes in bulk."""

import base64
import io
import json

import pytest
from sqlalchemy import event, func, select

from tests.support.factories import roster_bytes
from workflow.db import db
from workflow.demo.synthetic import wrong_check_digit
from workflow.models import Case, ImportBatch, Person
from workflow.privacy import pii
from workflow.privacy.identity import id_facts
from workflow.roster import importer, staged

UNIT = "绿苑小区楼院党支部"


@pytest.fixture
def field_checks(monkeypatch):
    """Every ID number and phone the importer validates (the real checks, counted)."""
    seen = []
    for name in ("clean_id_number", "clean_mobile"):
        real = getattr(importer, name)

        def counted(value, real=real):
            seen.append(value)
            return real(value)

        monkeypatch.setattr(importer, name, counted)
    return seen


def _rows(make, count=3):
    return [[f"居民{i}", make.id_number(), UNIT, make.mobile(), "是", ""] for i in range(count)]


def _staged(make, rows, viewer="lvyuan-supervisor", project=0):
    data = roster_bytes(rows, "csv")
    user, target = make.user(viewer), make.project(project)
    batch = importer.stage("名单.csv", data, target, user, None, importer.check("名单.csv", data, target, user))
    return batch, user


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_confirm_checks_no_id_number_or_phone_again_when_the_file_is_unchanged(make, field_checks):
    batch, viewer = _staged(make, _rows(make))
    assert len(field_checks) == 6  # the preview: three ID numbers, three phones
    preview = importer.confirm(batch, viewer)
    assert len(field_checks) == 6 and len(preview.of("new")) == 3
    assert _count(Case) == 3 and _count(Person) == 3


def test_confirm_hashes_each_id_number_once(make, monkeypatch):
    batch, viewer = _staged(make, _rows(make))
    hashed = []
    real = pii.blind_index

    def counted(plain, master=None):
        hashed.append(plain)
        return real(plain, master)

    monkeypatch.setattr(pii, "blind_index", counted)
    importer.confirm(batch, viewer)
    assert len(hashed) == 3  # looked up once; the new person's row reuses that hash
    assert _count(Person, Person.id_hash.in_([real(n) for n in hashed])) == 3


def test_confirm_inserts_each_table_once_and_reads_new_ids_back_without_returning(make):
    batch, viewer = _staged(make, _rows(make))
    inserts = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT"):
            inserts.append((statement.split()[2].strip('"'), executemany, "RETURNING" in statement.upper()))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        importer.confirm(batch, viewer)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    written = [insert for insert in inserts if insert[0] != "audit_events"]
    # No RETURNING: for many rows psycopg parses those statements in Python, page by page.
    assert written == [("people", True, False), ("cases", True, False), ("transition_records", True, False),
                       ("registration_entries", True, False)]


def test_the_preview_page_and_confirm_reuse_the_uploads_checks(client, auth, make, field_checks):
    auth.login("lvyuan-supervisor")
    upload = {"project": make.project(0).id, "file": (io.BytesIO(roster_bytes(_rows(make, 2), "csv")), "名单.csv")}
    response = client.post("/supervisor/roster", data=upload, content_type="multipart/form-data")
    assert len(field_checks) == 4
    assert "确认导入2人" in client.get(response.headers["Location"]).get_data(as_text=True)
    batch = db.session.scalar(select(ImportBatch))
    done = client.post(f"/supervisor/roster/{batch.id}/confirm", follow_redirects=True).get_data(as_text=True)
    assert "已导入2人，跳过0人" in done and len(field_checks) == 4


def test_a_person_imported_between_preview_and_confirm_is_not_added_twice(make):
    rows = _rows(make, 2)
    batch, viewer = _staged(make, rows)
    meanwhile, other = _staged(make, rows[:1], viewer="demo-supervisor")
    importer.confirm(meanwhile, other)
    preview = importer.confirm(db.session.get(ImportBatch, batch.id), viewer)
    assert [r.status for r in preview.rows] == ["skip", "new"]
    assert _count(Person) == 2 and _count(Case) == 2
    done = db.session.get(ImportBatch, batch.id)
    assert (done.rows_added, done.rows_skipped) == (1, 1)


def test_a_person_added_to_another_project_meanwhile_gets_a_case_not_a_second_person(make):
    rows = _rows(make, 1)
    batch, viewer = _staged(make, rows)
    meanwhile, other = _staged(make, rows, viewer="demo-supervisor", project=1)
    importer.confirm(meanwhile, other)
    importer.confirm(db.session.get(ImportBatch, batch.id), viewer)
    assert _count(Person) == 1 and _count(Case) == 2


def test_a_unit_renamed_after_the_preview_refuses_the_import(make):
    batch, viewer = _staged(make, _rows(make, 2))
    make.unit(UNIT).name = "绿苑小区楼院党支部（旧）"
    db.session.commit()
    assert importer.recheck(batch, viewer).rows[0].errors == [f"所属组织“{UNIT}”不存在或不在您的管辖范围内"]
    with pytest.raises(importer.ImportRefused, match="名单中有2行错误"):
        importer.confirm(batch, viewer)
    assert _count(Case) == 0


def test_a_row_with_an_error_is_checked_afresh_and_imports_once_the_unit_exists(make, field_checks):
    batch, viewer = _staged(make, [["张三", make.id_number(), "新楼院党支部", "", "", ""]])
    assert importer.recheck(batch, viewer).rows[0].status == "error"
    make.unit(UNIT).name = "新楼院党支部"
    db.session.commit()
    before = len(field_checks)
    assert len(importer.confirm(batch, viewer).of("new")) == 1
    assert len(field_checks) == before + 1  # no checked fields were kept: the file was read again


def _reseal(batch, data, rows, sha256):
    """Put another payload into the batch as someone holding the key could."""
    body = {"file": base64.b64encode(data).decode(), "sha256": sha256, "rows": rows}
    batch.payload = pii.encrypt(json.dumps(body, ensure_ascii=False))
    db.session.commit()


def test_a_different_file_behind_the_kept_checks_is_checked_afresh(make, field_checks):
    rows = _rows(make, 2)
    batch, viewer = _staged(make, rows)
    kept = json.loads(pii.decrypt(batch.payload))
    assert kept["sha256"] == batch.sha256 and len(kept["rows"]) == 2
    rows[1][1] = wrong_check_digit(rows[1][1])
    _reseal(batch, roster_bytes(rows, "csv"), kept["rows"], kept["sha256"])
    before = len(field_checks)
    with pytest.raises(importer.ImportRefused, match="名单中有1行错误"):
        importer.confirm(batch, viewer)
    assert len(field_checks) == before + 4 and _count(Case) == 0


def test_kept_checks_of_another_batch_are_not_trusted(make, field_checks):
    batch, viewer = _staged(make, _rows(make, 2))
    other = roster_bytes(_rows(make, 1), "csv")
    batch.sha256 = staged.digest(other)  # the batch says another file was checked
    db.session.commit()
    before = len(field_checks)
    assert len(importer.confirm(batch, viewer).of("new")) == 2
    assert len(field_checks) == before + 4


def test_a_batch_staged_before_checks_were_kept_still_imports(make, field_checks):
    rows = _rows(make, 2)
    batch, viewer = _staged(make, rows)
    batch.payload = pii.encrypt(base64.b64encode(roster_bytes(rows, "csv")).decode())  # the old payload
    db.session.commit()
    before = len(field_checks)
    assert len(importer.confirm(batch, viewer).of("new")) == 2
    assert len(field_checks) == before + 4 and _count(Case) == 2


def test_a_person_added_while_confirming_refuses_the_whole_import(make, monkeypatch):
    rows = _rows(make, 2)
    batch, viewer = _staged(make, rows)
    real = importer.recheck

    def raced(*args, **kwargs):
        preview = real(*args, **kwargs)
        number = rows[1][1]  # someone else adds this person after our check, before our insert
        birth, gender = id_facts(number)
        db.session.add(Person(name="别人导入", gender=gender, birth_date=birth, **pii.id_columns(number)))
        db.session.commit()
        return preview

    monkeypatch.setattr(importer, "recheck", raced)
    with pytest.raises(importer.ImportRefused, match="名单中的人员刚被其他人导入"):
        importer.confirm(batch, viewer)
    assert _count(Person) == 1 and _count(Case) == 0
    assert db.session.get(ImportBatch, batch.id).status == "previewed"
