"""Who did what to which case: audit events and history rows of a subtree, newest first."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, literal, or_, select, union_all

from workflow.db import db
from workflow.models import AuditEvent, Case, OrgUnit, Person, TransitionRecord, User
from workflow.models.org import subtree_filter
from workflow.process.engine import get_engine

ACTIONS = {
    "login": _l("登录"), "logout": _l("退出登录"), "ledger_export": _l("导出台账"),
    "roster_import": _l("导入摸底名单"), "list": _l("列入名单"), "reassign": _l("改派责任人"),
}


def action_label(code):
    """Name an audit action or a history trigger in the current language."""
    if code in ACTIONS:
        return str(ACTIONS[code])
    engine = get_engine()
    if code in engine.definition.triggers:
        return engine.trigger_label(code)
    return code


def detail_text(action, detail):
    """Say what an audit row's detail means; never more than the row holds (no PII)."""
    if action == "ledger_export":
        values = _("完整号码") if detail.get("full") else _("已脱敏")
        return _("%(n)s行，%(v)s", n=detail.get("rows", 0), v=values)
    if action == "roster_import":
        return _("新增%(a)s人，跳过%(s)s人", a=detail.get("added", 0), s=detail.get("skipped", 0))
    return "，".join(f"{k}={v}" for k, v in sorted(detail.items()))


@dataclass
class Query:
    user_id: int | None = None
    case_id: int | None = None
    since: datetime | None = None  # aware UTC, inclusive
    before: datetime | None = None  # aware UTC, exclusive


@dataclass
class Entry:
    kind: str  # "audit" or "transition"
    row: object  # the AuditEvent or TransitionRecord
    user: object
    person_name: str | None


def _audit_select(viewer, q):
    a = AuditEvent
    actor_unit = OrgUnit.__table__.alias("actor_unit")
    stmt = (
        select(literal("audit").label("kind"), a.id.label("id"), a.at.label("at"))
        .select_from(a)
        .outerjoin(Case, Case.id == a.case_id)
        .outerjoin(User, User.id == a.user_id)
        .outerjoin(actor_unit, actor_unit.c.id == User.org_unit_id)
        .where(or_(
            and_(a.case_id.is_not(None), subtree_filter(Case.org_path, viewer.org_unit)),
            and_(a.case_id.is_(None), subtree_filter(actor_unit.c.path, viewer.org_unit)),
        ))
    )
    return _narrow(stmt, a.user_id, a.case_id, a.at, q)


def _transition_select(viewer, q):
    t = TransitionRecord
    stmt = (
        select(literal("transition").label("kind"), t.id.label("id"), t.at.label("at"))
        .select_from(t)
        .join(Case, Case.id == t.case_id)
        .where(subtree_filter(Case.org_path, viewer.org_unit))
    )
    return _narrow(stmt, t.actor_id, t.case_id, t.at, q)


def _narrow(stmt, user_col, case_col, at_col, q):
    if q.user_id:
        stmt = stmt.where(user_col == q.user_id)
    if q.case_id:
        stmt = stmt.where(case_col == q.case_id)
    if q.since:
        stmt = stmt.where(at_col >= q.since)
    if q.before:
        stmt = stmt.where(at_col < q.before)
    return stmt


def entries(viewer, q, limit=50, offset=0):
    """Return (entries, has_more): one page of the subtree's audit trail, newest first."""
    both = union_all(_audit_select(viewer, q), _transition_select(viewer, q)).subquery()
    keys = db.session.execute(
        select(both.c.kind, both.c.id).order_by(both.c.at.desc(), both.c.id.desc()).limit(limit + 1).offset(offset)
    ).all()
    has_more = len(keys) > limit
    keys = keys[:limit]
    audits = _by_id(AuditEvent, [i for k, i in keys if k == "audit"])
    moves = _by_id(TransitionRecord, [i for k, i in keys if k == "transition"])
    rows = [audits[i] if k == "audit" else moves[i] for k, i in keys]
    users = _by_id(User, {getattr(r, "user_id", None) or getattr(r, "actor_id", None) for r in rows} - {None})
    names = dict(db.session.execute(
        select(Case.id, Person.name).join(Person, Person.id == Case.person_id)
        .where(Case.id.in_({r.case_id for r in rows if r.case_id}))
    ).all())
    out = []
    for kind, row in zip((k for k, _i in keys), rows, strict=True):
        user_id = row.user_id if kind == "audit" else row.actor_id
        out.append(Entry(kind, row, users.get(user_id), names.get(row.case_id)))
    return out, has_more


def _by_id(model, ids):
    ids = list(ids)
    if not ids:
        return {}
    return {r.id: r for r in db.session.scalars(select(model).where(model.id.in_(ids)))}


def users_in(viewer):
    """The users of the viewer's subtree (the filter's choices)."""
    return db.session.scalars(
        select(User).join(OrgUnit, OrgUnit.id == User.org_unit_id)
        .where(subtree_filter(OrgUnit.path, viewer.org_unit)).order_by(User.display_name)
    ).all()
