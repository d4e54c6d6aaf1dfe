"""Set a party member's mobility situation: a new period, the old one kept; the 定期报告."""

from flask_babel import gettext as _
from sqlalchemy import select, update

from workflow.cases.services import commit_or_conflict, log_contact, record_follow_up
from workflow.db import db, utcnow
from workflow.errors import GuardFailed
from workflow.mobility.policy import get_policy
from workflow.models import MobilityRecord, TransitionRecord
from workflow.process.engine import MOBILITY, get_engine
from workflow.rows import insert_row


def current(case):
    """The member's current mobility record, or None (a member with none is 本地)."""
    return db.session.scalar(select(MobilityRecord).where(MobilityRecord.case_id == case.id,
                                                          MobilityRecord.is_current.is_(True)))


def set_situation(case, actor, *, situation, since, dest_province=None, dest_city=None, note=None,
                  expected_version=None, now=None):
    """Record that a member's situation changed (or its destination); one transaction."""
    engine, policy, now = get_engine(), get_policy(), now or utcnow()
    engine.check(case, MOBILITY, actor, expected_version)
    kind = policy.situations.get(situation)
    problems = []
    if kind is None:
        problems.append(_("未知的流动情况：%(name)s", name=situation))
    elif kind.needs_destination and not (dest_province and (dest_city or "").strip()):
        problems.append(_("“%(situation)s”需要填写去向省份和城市", situation=kind.zh))
    if since is None:
        problems.append(_("请填写开始日期"))
    if problems:
        raise GuardFailed(problems)
    records = MobilityRecord.__table__
    db.session.execute(update(records).where(records.c.case_id == case.id, records.c.is_current.is_(True))
                       .values(is_current=False))
    insert_row(MobilityRecord, dict(
        case_id=case.id, situation=situation, since=since, dest_province=dest_province or None,
        dest_city=(dest_city or "").strip() or None, note=(note or "").strip() or None, is_current=True,
        source="worker", recorded_at=now, recorded_by_id=actor.id))
    history_row(case, actor, "mobility", now, situation=situation, city=(dest_city or "").strip() or None)
    case.updated_at = now  # a new case version: a concurrent change loses with a Conflict
    commit_or_conflict()


def log_report(case, actor, *, reported_at, notes=None, expected_version=None, now=None):
    """Log a 定期报告 the member made to the branch; it is also a reached follow-up contact."""
    engine = get_engine()
    engine.check(case, MOBILITY, actor, expected_version)
    triggers = {t.trigger for t in engine.available(case, actor)}
    if triggers & {"contact", "reconnect"}:
        return record_follow_up(case, actor, kind="report", outcome="reached", contacted_at=reported_at,
                                notes=notes, expected_version=expected_version, now=now)
    log = log_contact(case, actor, kind="report", outcome="reached", contacted_at=reported_at, notes=notes)
    case.updated_at = now or utcnow()
    commit_or_conflict()
    return log


def history_row(case, actor, trigger, now, reason=None, **data):
    """A history row beside the transitions: the timeline shows who changed what, when."""
    insert_row(TransitionRecord, dict(case_id=case.id, trigger=trigger, from_state=case.state, to_state=case.state,
                                      actor_id=actor.id, at=now, reason=reason, data=data or None))
