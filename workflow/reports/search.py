"""Search the user's subtree by name, the last four ID digits, a full ID number or a phone."""

import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from workflow.db import db
from workflow.models import Case, OrgUnit, Person, Project, RegistrationEntry
from workflow.privacy import pii
from workflow.privacy.identity import InvalidValue, clean_phone, mask_phone
from workflow.subtree import under


@dataclass
class Found:
    """What a search found: (case, name, masked ID, project, unit) rows, at most limit."""

    rows: list = field(default_factory=list)
    searched: str | None = None  # what the text was taken for: 姓名, 电话, ...
    hint: str | None = None  # why nothing was searched
    more: bool = False  # more than limit matched
    phones: dict = field(default_factory=dict)  # {case id: current mobile, masked}


def name_prefix(column, text):
    """Names starting with text; GLOB on SQLite so the name index serves it."""
    if db.session.get_bind().dialect.name == "sqlite":
        return column.op("GLOB")(re.sub(r"([*?\[])", r"[\1]", text) + "*")
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.like(escaped + "%", escape="\\")


def condition(text):
    """Return (SQL condition, what was searched) for the query text, or (None, a hint).

    Digits go to the ID number or the phone, anything else to the name.
    """
    compact = re.sub(r"[\s-]", "", text).upper()
    if re.fullmatch(r"\d{17}[\dX]", compact):
        return Person.id_hash == pii.blind_index(compact), _("身份证号")
    if re.fullmatch(r"\d{3}[\dX]", compact):
        return Person.id_last4 == compact, _("身份证后4位")
    if compact.isdigit():
        try:
            phone = clean_phone(compact)
        except InvalidValue:
            return None, _("数字请输入身份证后4位、完整身份证号或完整电话号码")
        cases = select(RegistrationEntry.case_id).where(RegistrationEntry.phone == phone,
                                                        RegistrationEntry.item == "contact")
        return Case.id.in_(cases), _("电话")
    return name_prefix(Person.name, text.strip()), _("姓名")


def find(user, text, limit):
    """Return (rows, what was searched, hint): cases of the user's subtree, at most limit + 1."""
    where, searched = condition(text)
    if where is None:
        return [], None, searched
    rows = db.session.execute(
        select(Case, Person.name, Person.id_masked, Project.name, OrgUnit.name)
        .join(Person, Person.id == Case.person_id)
        .join(Project, Project.id == Case.project_id)
        .join(OrgUnit, OrgUnit.id == Case.org_unit_id)
        .where(where, under(Case.org_path, user.org_unit.path))
        .order_by(Person.name, Case.id).limit(limit + 1)
    ).all()
    return rows, searched, None


def current_phones(case_ids):
    """The current mobile of each case, masked."""
    if not case_ids:
        return {}
    rows = db.session.execute(
        select(RegistrationEntry.case_id, RegistrationEntry.phone).where(
            RegistrationEntry.case_id.in_(case_ids), RegistrationEntry.item == "contact",
            RegistrationEntry.is_current.is_(True))
    ).all()
    return {case_id: mask_phone(phone) for case_id, phone in rows}


def search(user, text, limit):
    """Search the user's subtree for text; an empty text searches nothing."""
    if not text:
        return Found()
    rows, searched, hint = find(user, text, limit)
    rows, more = rows[:limit], len(rows) > limit
    return Found(rows, searched, hint, more, current_phones([row[0].id for row in rows]))
