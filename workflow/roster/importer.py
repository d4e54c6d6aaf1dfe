"""Import a 摸底名单: check every row first, then add all new people at once or nothing.

A person already in the project is skipped, so importing the same file twice adds
nothing. Lookups go by the ID numbers' blind index in batches and rows are written
with bulk inserts, so 10,000 rows take seconds, not a query per row.
"""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from workflow.cases.services import units_in
from workflow.db import db, utcnow
from workflow.errors import ProcessError
from workflow.models import Case, ImportBatch, Person, User
from workflow.models.audit import record
from workflow.privacy import pii
from workflow.privacy.identity import InvalidValue, clean_id_number, clean_mobile, mask_id
from workflow.roster import households, insert, staged
from workflow.roster.reader import read

BATCH = 500  # ids per IN (...) lookup
MEMBER_YES = {"是", "党员", "中共党员", "预备党员", "y", "yes", "1"}
MEMBER_NO = {"", "否", "群众", "居民", "n", "no", "0"}


class ImportRefused(ProcessError):
    """The import cannot go ahead (already imported, rows with errors, a race)."""


@dataclass
class RosterRow:
    number: int
    name: str
    raw_id: str
    unit_name: str
    phone: str | None = None
    address: str | None = None
    member: bool = False
    id_number: str | None = None
    household_number: str | None = None  # 户号: rows of one number are one household
    head_id: str | None = None  # 户主身份证号, cleaned: rows of one head are one household
    unit: object = None
    person_id: int | None = None
    id_hash: str | None = None
    errors: list = field(default_factory=list)
    skip: str | None = None

    @property
    def status(self):
        return "error" if self.errors else ("skip" if self.skip else "new")

    @property
    def id_shown(self):
        """The ID number masked; a wrong one masked alike (the row number finds it)."""
        if self.id_number:
            return mask_id(self.id_number)
        raw = self.raw_id
        return raw if len(raw) <= 8 else raw[:4] + "*" * (len(raw) - 8) + raw[-4:]


@dataclass
class Preview:
    rows: list
    sha256: str | None = None  # of the file the rows were checked from

    def of(self, status):
        return [r for r in self.rows if r.status == status]

    @property
    def clean(self):
        return not self.of("error")


def check(filename, data, project, viewer, worker=None):
    """Read and check every row; nothing is written. Raises RosterFileError on a bad file."""
    raws = read(filename, data)
    units = _unit_finder(viewer)
    rows = [_check_fields(raw, units, worker) for raw in raws]
    _check_duplicates(rows)
    _find_existing(rows, project)
    households.check_groups(rows, project, viewer)
    return Preview(rows, staged.digest(data))


def recheck(batch, viewer, worker=None):
    """Check a staged roster again as check() would, reusing a clean preview's field checks.

    ID numbers, phones, names and duplicates depend on the file alone: kept with the
    batch, they are reused while the file is the one checked. Units and people already
    imported can change after the preview, so they are looked up again every time.
    """
    data, fields = staged.unseal(batch.payload, batch.sha256)
    if fields is None:
        return check(batch.filename, data, batch.project, viewer, worker)
    units = _unit_finder(viewer)
    rows = [RosterRow(*values) for values in fields]
    for row in rows:
        _place(row, units, worker)
    _find_existing(rows, batch.project)
    households.check_groups(rows, batch.project, viewer)
    return Preview(rows, batch.sha256)


def _unit_finder(viewer):
    by_name = {}
    for unit in units_in(viewer.org_unit):
        by_name.setdefault(unit.name, []).append(unit)
    return by_name


def _check_fields(raw, units, worker):
    v = raw.values
    row = RosterRow(raw.number, v.get("name", ""), v.get("id_number", ""), v.get("unit", ""),
                    phone=v.get("phone") or None, address=v.get("address") or None)
    if not row.name:
        row.errors.append(_("缺少姓名"))
    elif len(row.name) > 50:
        row.errors.append(_("姓名过长（最多50字）"))
    try:
        row.id_number = clean_id_number(row.raw_id)
    except InvalidValue as exc:
        row.errors.append(str(exc))
    if row.phone:
        try:
            row.phone = clean_mobile(row.phone)
        except InvalidValue as exc:
            row.errors.append(str(exc))
    _place(row, units, worker)
    households.check_fields(row, v)
    member = v.get("member", "").strip().lower()
    if member in MEMBER_YES:
        row.member = True
    elif member not in MEMBER_NO:
        row.errors.append(_("是否党员应填“是”或“否”，不是“%(v)s”", v=v.get("member")))
    return row


def _place(row, units, worker):
    """Find the row's unit by name among the viewer's, within the worker's part of the tree."""
    found = units.get(row.unit_name, [])
    if not row.unit_name:
        row.errors.append(_("缺少所属组织"))
    elif not found:
        row.errors.append(_("所属组织“%(n)s”不存在或不在您的管辖范围内", n=row.unit_name))
    elif len(found) > 1:
        row.errors.append(_("所属组织“%(n)s”有重名，无法确定", n=row.unit_name))
    else:
        row.unit = found[0]
        if worker is not None and not row.unit.path.startswith(worker.org_unit.path):
            row.errors.append(_("责任人%(w)s不负责“%(n)s”", w=worker.display_name, n=row.unit_name))


def _check_duplicates(rows):
    first = {}
    for row in rows:
        if row.id_number is None:
            continue
        if row.id_number in first:
            row.errors.append(_("身份证号与第%(n)s行重复", n=first[row.id_number]))
        else:
            first[row.id_number] = row.number


def _find_existing(rows, project):
    """Mark rows whose person exists (by blind index) and skip those already in the project."""
    for row in rows:
        if row.id_number and not row.errors:
            row.id_hash = pii.blind_index(row.id_number)
    by_hash = {r.id_hash: r for r in rows if r.id_hash}
    hashes = list(by_hash)
    for start in range(0, len(hashes), BATCH):
        chunk = hashes[start:start + BATCH]
        for person_id, id_hash in db.session.execute(
            select(Person.id, Person.id_hash).where(Person.id_hash.in_(chunk))
        ):
            by_hash[id_hash].person_id = person_id
    known = {r.person_id: r for r in by_hash.values() if r.person_id is not None}
    ids = list(known)
    for start in range(0, len(ids), BATCH):
        for person_id in db.session.scalars(
            select(Case.person_id).where(Case.project_id == project.id, Case.person_id.in_(ids[start:start + BATCH]))
        ):
            known[person_id].skip = _("此人已在本项目中，跳过")


# ------------------------------------------------------------------ batches

def stage(filename, data, project, viewer, worker, preview):
    """Keep the checked file (encrypted) for the confirmation step; return the batch.

    preview is check() of this data; when it is clean its checked fields are kept too.
    """
    kept = preview.rows if preview.clean else None  # rows with errors are always checked afresh
    batch = ImportBatch(
        project_id=project.id, org_unit_id=viewer.org_unit_id, user_id=viewer.id,
        worker_id=worker.id if worker else None, filename=filename[:200],
        sha256=staged.digest(data), status="previewed",
        payload=staged.seal(data, preview.sha256, kept), rows_total=len(preview.rows),
        rows_skipped=len(preview.of("skip")), rows_invalid=len(preview.of("error")),
    )
    # One pending preview per user: older ones are dropped with their files.
    db.session.execute(
        update(ImportBatch).where(ImportBatch.user_id == viewer.id, ImportBatch.status == "previewed")
        .values(status="dropped", payload=None)
    )
    db.session.add(batch)
    db.session.commit()
    return batch


def earlier_import(project, sha256):
    """Return the batch that already imported this very file into the project, or None."""
    return db.session.scalar(
        select(ImportBatch).where(ImportBatch.project_id == project.id, ImportBatch.sha256 == sha256,
                                  ImportBatch.status == "imported").order_by(ImportBatch.id)
    )


def confirm(batch, viewer, now=None):
    """Check the staged file again (recheck) and add its new rows, all or nothing; return the preview.

    Raises ImportRefused (nothing written) when the batch was imported already, when
    a row has an error now, or when someone imported the same people meanwhile.
    """
    now = now or utcnow()
    if batch.status != "previewed" or batch.payload is None:
        raise ImportRefused(_("该名单已导入，不会重复导入"))
    project, worker = batch.project, db.session.get(User, batch.worker_id) if batch.worker_id else None
    preview = recheck(batch, viewer, worker)
    if not preview.clean:
        raise ImportRefused(_("名单中有%(n)s行错误，请改正后重新上传", n=len(preview.of("error"))))
    new = preview.of("new")
    claimed = db.session.execute(
        update(ImportBatch).where(ImportBatch.id == batch.id, ImportBatch.status == "previewed").values(
            status="imported", imported_at=now, payload=None, rows_total=len(preview.rows),
            rows_added=len(new), rows_skipped=len(preview.of("skip")), rows_invalid=0)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        raise ImportRefused(_("该名单已导入，不会重复导入"))
    try:
        insert.insert_rows(new, project, viewer, worker, now, batch.id)
        record("roster_import", user=viewer, batch=batch.id, project=project.id,
               added=len(new), skipped=len(preview.of("skip")))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ImportRefused(_("名单中的人员刚被其他人导入，请重新上传预览")) from None
    return preview
