"""Reassign cases to another worker of the subtree; each reassignment is in the case history."""

from flask_babel import gettext as _
from sqlalchemy import select

from workflow.cases.review import each_case
from workflow.cases.services import commit_or_conflict
from workflow.db import db, utcnow
from workflow.errors import NotAllowed
from workflow.models import OrgUnit, TransitionRecord, User
from workflow.models.org import subtree_filter

ASSIGNABLE_ROLES = ("worker", "secretary")
MANAGING_ROLES = ("supervisor", "admin")
TRIGGER = "reassign"  # a history row from a state to the same state, not a process trigger


def assignees(viewer):
    """The active workers and secretaries of the viewer's subtree, by unit and name."""
    return db.session.scalars(
        select(User).join(OrgUnit, OrgUnit.id == User.org_unit_id)
        .where(subtree_filter(OrgUnit.path, viewer.org_unit), User.role.in_(ASSIGNABLE_ROLES),
               User.active.is_(True))
        .order_by(OrgUnit.path, User.display_name)
    ).all()


def reassign(case, to_user, actor, note=None, now=None):
    """Make to_user responsible for the case (one transaction); return the history row."""
    if actor.role not in MANAGING_ROLES:
        raise NotAllowed(_("只有督导可以改派案件"))
    if to_user is None or to_user.role not in ASSIGNABLE_ROLES or not to_user.active \
            or not to_user.org_unit.path.startswith(actor.org_unit.path):
        raise NotAllowed(_("请选择本辖区内的社区工作者"))
    if not case.org_path.startswith(to_user.org_unit.path):
        raise NotAllowed(_("%(name)s所在组织看不到该案件，不能负责", name=to_user.display_name))
    if case.worker_id == to_user.id:
        raise NotAllowed(_("%(name)s已是该案件的责任人", name=to_user.display_name))
    old = case.worker
    # The reason is stored in Chinese, the source language, like every reason typed by people.
    reason = f"责任人改派：{old.display_name if old else '未指定'} → {to_user.display_name}"
    if (note or "").strip():
        reason += f"；{note.strip()}"
    record = TransitionRecord(
        case_id=case.id, trigger=TRIGGER, from_state=case.state, to_state=case.state, actor_id=actor.id,
        at=now or utcnow(), reason=reason, from_path=case.org_path, org_path=case.org_path,
        data={"from_worker_id": old.id if old else None, "to_worker_id": to_user.id},
    )
    case.worker_id = to_user.id  # the version column bumps: a concurrent change conflicts
    db.session.add(record)
    commit_or_conflict()
    return record


def reassign_many(case_ids, to_user_id, actor, note=None, now=None):
    """Reassign each case to the user with that id, each in its own transaction.

    Return (the user, an Outcome per case); the user is None when there is no such id.
    """
    to_user = db.session.get(User, to_user_id)
    return to_user, each_case(case_ids, actor, lambda case: reassign(case, to_user, actor, note, now))
