"""The 台账 (ledger) as an Excel workbook: the filtered cases with the paper ledger's columns.

ID numbers and phones are masked unless the supervisor asks for full values; every
export is recorded in the audit trail with its row count.
"""

import io
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from workflow.cases.registration import ADDRESS_KINDS
from workflow.db import db
from workflow.models import Case, OrgUnit, Person, Project, RegistrationEntry, User
from workflow.models.audit import record
from workflow.privacy.identity import mask_phone
from workflow.privacy.reveal import check_may_reveal, reveal_id_numbers
from workflow.process.engine import get_engine
from workflow.reports.household import ledger_households
from workflow.text import label

# (key, header, column width): the paper 台账's columns, in its order.
COLUMNS = [
    ("n", _l("序号"), 6), ("name", _l("姓名"), 10), ("gender", _l("性别"), 6),
    ("id_number", _l("身份证号"), 21), ("member", _l("身份"), 8), ("project", _l("项目"), 18),
    ("unit", _l("所属组织"), 18), ("original_address", _l("原住址"), 32),
    ("destination_address", _l("去向住址"), 32), ("address_kind", _l("住址类型"), 10),
    ("phone", _l("手机号码"), 14), ("backup_name", _l("备用联系人"), 10), ("backup_phone", _l("备用电话"), 14),
    ("workplace", _l("工作单位"), 22), ("work_city", _l("务工地"), 8), ("org_relation", _l("组织关系"), 20),
    ("visited_at", _l("入户走访日期"), 12), ("card_issued_at", _l("联系卡发放日期"), 12),
    ("group_name", _l("联络群"), 20), ("group_joined_at", _l("入群日期"), 12), ("state", _l("状态"), 9),
    ("last_contact_at", _l("最近联系"), 17), ("next_due_at", _l("下一期限"), 17), ("worker", _l("责任人"), 10),
    ("household", _l("户号"), 12), ("household_head", _l("户主"), 10),  # one row per person, grouped by 户
]
CHUNK = 1000
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEAD_FILL = PatternFill("solid", fgColor="F2DCDB")


def export(case_filter, viewer, now, full=False, address=None, reason=None):
    """Return (xlsx bytes, row count) and record the export in the audit trail.

    Full ID numbers come only through workflow.privacy (role, scope and reason checked,
    audited per chunk); otherwise the masked form is written.
    """
    if full:
        check_may_reveal(viewer, reason)  # before the workbook exists: a refusal leaves nothing half-written
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("台账"))
    for index, (_key, _head, width) in enumerate(COLUMNS):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    for line in _header_lines(sheet, case_filter, viewer, now, full):
        sheet.append(line)
    sheet.append([])
    sheet.append([_cell(sheet, str(head), BOLD, HEAD_FILL) for _key, head, _w in COLUMNS])
    count = 0
    units = dict(db.session.execute(select(OrgUnit.id, OrgUnit.name)).all())
    for chunk in _chunks(case_filter, now):
        entries = _current_entries([row[0].id for row in chunk])
        households = ledger_households([row[0].id for row in chunk])
        numbers = reveal_id_numbers([row[0] for row in chunk], viewer, reason, address=address) if full else {}
        for case, person, project, worker in chunk:
            count += 1
            values = _values(count, case, person, project, worker, entries.get(case.id, {}), units, full)
            values["id_number"] = numbers.get(case.id, person.id_masked)
            values["household"], values["household_head"] = households.get(case.id, (None, None))
            sheet.append([_text_safe(values[key]) for key, _head, _w in COLUMNS])
    sheet.append([])
    sheet.append([_("合计：%(n)s条", n=count)])
    out = io.BytesIO()
    book.save(out)
    record("ledger_export", user=viewer, address=address, rows=count, full=bool(full), filter=case_filter.args())
    db.session.commit()
    return out.getvalue(), count


def _text_safe(value):
    """Keep typed text from being read as a formula by Excel (=, +, -, @ first)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _cell(sheet, value, font=None, fill=None):
    cell = WriteOnlyCell(sheet, value=value)
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    return cell


def _header_lines(sheet, case_filter, viewer, now, full):
    local = now.astimezone(_zone()).strftime("%Y-%m-%d %H:%M")
    values = _("身份证号和电话为完整号码（已记录审计）") if full else _("身份证号和电话已脱敏")
    return [
        [_cell(sheet, _("动迁登记台账"), TITLE)],
        [_("单位：%(unit)s", unit=viewer.org_unit.name)],
        [_("导出人：%(name)s（%(username)s）", name=viewer.display_name, username=viewer.username)],
        [_("导出时间：%(t)s（北京时间）", t=local)],
        [_("筛选：%(f)s", f=case_filter.describe())],
        [values],
    ]


def _zone():
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def _chunks(case_filter, now):
    """Yield lists of (case, person, project name, worker name), CHUNK rows at a time."""
    query = (
        select(Case, Person, Project.name, User.display_name)
        .join(Person, Person.id == Case.person_id)
        .join(Project, Project.id == Case.project_id)
        .outerjoin(User, User.id == Case.worker_id)
        .where(*case_filter.conditions(now))
        .order_by(Case.next_due_at.is_(None), Case.next_due_at, Case.id)
    )
    yield from db.session.execute(query.execution_options(yield_per=CHUNK)).partitions()


def _current_entries(case_ids):
    """Return {case_id: {item: entry}} of the current 五必登 entries, one query."""
    out = {}
    rows = db.session.scalars(
        select(RegistrationEntry).where(RegistrationEntry.case_id.in_(case_ids), RegistrationEntry.is_current.is_(True))
    )
    for entry in rows:
        out.setdefault(entry.case_id, {})[entry.item] = entry
    return out


def _local(value, as_date=False):
    """An aware UTC datetime as a naive local one (Excel has no zones), or a date."""
    if value is None:
        return None
    local = value.astimezone(_zone()).replace(tzinfo=None)
    return local.date() if as_date else local.replace(second=0, microsecond=0)


def _values(n, case, person, project, worker, entries, units, full):
    """Return {column key: cell value} for one case."""
    def entry(item, attr):
        found = entries.get(item)
        return getattr(found, attr) if found is not None else None

    phone = (lambda v: v) if full else mask_phone
    relation = entries.get("org_relation")
    kind = entry("destination_address", "address_kind")
    return {
        "n": n, "name": person.name, "gender": _("男") if person.gender == "M" else _("女"),
        "id_number": person.id_masked,
        "member": _("党员") if person.is_party_member else _("居民"), "project": project,
        "unit": units.get(case.org_unit_id), "original_address": entry("original_address", "address"),
        "destination_address": entry("destination_address", "address"),
        "address_kind": label(ADDRESS_KINDS[kind]) if kind in ADDRESS_KINDS else None,
        "phone": phone(entry("contact", "phone")) or None, "backup_name": entry("contact", "backup_name"),
        "backup_phone": phone(entry("contact", "backup_phone")) or None,
        "workplace": entry("workplace", "workplace"), "work_city": entry("workplace", "work_city"),
        "org_relation": (units.get(relation.org_unit_id) or relation.org_note) if relation else None,
        "visited_at": _local(case.visited_at, True), "card_issued_at": _local(case.card_issued_at, True),
        "group_name": case.group_name, "group_joined_at": _local(case.group_joined_at, True),
        "state": get_engine().state_label(case.state), "last_contact_at": _local(case.last_contact_at),
        "next_due_at": _local(case.next_due_at), "worker": worker,
    }
