"""The roster's households: a 户号 or 户主身份证号 column groups rows into one household each.

Rows of one 户号 (or, without one, of one 户主身份证号) are one household; its head is the
row whose ID number is the 户主身份证号, else the first row. A 户号 the project has
already joins that household (when it lies in the importer's subtree).
"""

from flask_babel import gettext as _
from sqlalchemy import insert, select

from workflow.db import db
from workflow.models import Household, HouseholdMember
from workflow.privacy.identity import InvalidValue, clean_id_number

MEMBERS = HouseholdMember.__table__


def check_fields(row, values):
    """Read the row's 户号 and 户主身份证号; a wrong 户主身份证号 is the row's error."""
    number = (values.get("household_number") or "").strip()
    if len(number) > 40:
        row.errors.append(_("户号不能超过40个字符"))
    row.household_number = number or None
    head = (values.get("head_id") or "").strip()
    if head:
        try:
            row.head_id = clean_id_number(head)
        except InvalidValue as exc:
            row.errors.append(_("户主身份证号：%(e)s", e=str(exc)))


def _key(row):
    if row.household_number:
        return ("number", row.household_number)
    return ("head", row.head_id) if row.head_id else None


def groups(rows):
    """{key: [rows]} of the rows that name a household, in file order."""
    found = {}
    for row in rows:
        if (key := _key(row)) is not None:
            found.setdefault(key, []).append(row)
    return found


def _existing(project, numbers):
    if not numbers:
        return {}
    return {h.number: h for h in db.session.scalars(
        select(Household).where(Household.project_id == project.id, Household.number.in_(numbers)))}


def check_groups(rows, project, viewer):
    """Mark the rows of households that cannot be made as the file says."""
    found = groups(rows)
    existing = _existing(project, [k[1] for k in found if k[0] == "number"])
    for key, members in found.items():
        heads = {r.head_id for r in members if r.head_id}
        ids = {r.id_number for r in members}
        problem = None
        if len(heads) > 1:
            problem = _("同一户号的户主身份证号不一致")
        elif heads and not heads <= ids and key[1] not in existing:
            problem = _("户主身份证号不在本户的行中")
        elif key[0] == "number" and key[1] in existing and not existing[key[1]].org_path.startswith(viewer.org_unit.path):
            problem = _("户号“%(n)s”已由其他单位登记", n=key[1])
        if problem:
            for row in members:
                row.errors.append(problem)


def insert_households(rows, case_ids, project, viewer, now):
    """Make the households of the new rows (or join the project's by 户号) and add their members."""
    case_of = {id(row): case_id for row, case_id in zip(rows, case_ids, strict=True)}
    found = groups(rows)
    existing = _existing(project, [k[1] for k in found if k[0] == "number"])
    members = []
    for key, group in found.items():
        household = existing.get(key[1]) if key[0] == "number" else None
        head = None
        if household is None:
            head = next((r for r in group if r.id_number in {g.head_id for g in group}), group[0])
            household = Household(project_id=project.id, org_unit_id=head.unit.id, org_path=head.unit.path,
                                  number=key[1] if key[0] == "number" else None, original_address=head.address,
                                  created_by_id=viewer.id, created_at=now)
            db.session.add(household)
            db.session.flush()
        members += [{"household_id": household.id, "case_id": case_of[id(r)], "is_head": r is head,
                     "joined_at": now} for r in group]
    if members:
        db.session.execute(insert(MEMBERS), members)
