"""A step for the household: the same trigger on each ticked member's case, all or nothing."""

from flask_babel import gettext as _

from workflow.cases.services import commit_or_conflict
from workflow.db import db
from workflow.errors import NotAllowed, ProcessError
from workflow.households.errors import MembersRefused
from workflow.process.engine import get_engine


def ticked_cases(household, versions):
    """The member cases of the ticked ids ({case_id: version the screen showed}), in member order."""
    if not versions:
        raise NotAllowed(_("请至少勾选一位成员"))
    members = {m.case_id: m.case for m in household.members}
    if any(case_id not in members for case_id in versions):
        raise NotAllowed(_("勾选的人员不是本户成员"))
    return [members[case_id] for case_id in members if case_id in versions]


def refusals(cases, trigger, actor, versions, guards=True, **data):
    """[(case, reason)] of the cases that cannot take trigger now: the engine's reasons, then
    (with guards) what its guards find missing in data."""
    engine, found = get_engine(), []
    for case in cases:
        try:
            engine.check(case, trigger, actor, versions.get(case.id))
        except ProcessError as exc:
            found.append((case, exc.message))
            continue
        problems = engine.problems(case, trigger, actor, **data) if guards else []
        if problems:
            found.append((case, "；".join(problems)))
    return found


def fire_all(cases, fire_one):
    """Run fire_one(case) for each case in this one transaction and commit; any failure undoes all."""
    try:
        for case in cases:
            fire_one(case)
    except ProcessError:
        db.session.rollback()
        raise
    commit_or_conflict()


def refuse_unless_all(cases, trigger, actor, versions, guards=True, **data):
    """Raise MembersRefused, having written nothing, unless every case can take trigger now."""
    found = refusals(cases, trigger, actor, versions, guards, **data)
    if found:
        db.session.rollback()
        raise MembersRefused(found)
