"""The review queue (待审核): approve, or send back with a reason; several at once."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from workflow.cases import notices
from workflow.cases.services import commit_or_conflict, load_case
from workflow.db import db, utcnow
from workflow.errors import CaseNotFound, ProcessError
from workflow.models import Case, OrgUnit, Person, User
from workflow.process.engine import Firing, get_engine
from workflow.process.guards import GUARDS
from workflow.reports.rollup import subtree_units

REVIEW_TRIGGER = "approve"


@dataclass
class Outcome:
    """What happened to one case of a batch."""

    case_id: int
    name: str
    ok: bool
    message: str = ""


def review_states():
    """The states a case can be approved from (by the definition, not by name)."""
    return sorted({s for t in get_engine().definition.transitions if t.trigger == REVIEW_TRIGGER for s in t.sources})


def _waiting(viewer):
    return [Case.org_unit_id.in_(subtree_units(viewer.org_unit)), Case.state.in_(review_states())]


def waiting_count(viewer):
    """How many cases of the viewer's subtree wait for review (read from an index)."""
    return db.session.scalar(select(func.count()).select_from(Case).where(*_waiting(viewer)))


def queue(viewer, limit=50, offset=0):
    """Return (total, rows) of the cases waiting for review, the longest waiting first.

    Each row is (case, person name, masked ID, unit name, worker name).
    """
    where = _waiting(viewer)
    total = waiting_count(viewer)
    rows = db.session.execute(
        select(Case, Person.name, Person.id_masked, OrgUnit.name, User.display_name)
        .join(Person, Person.id == Case.person_id)
        .join(OrgUnit, OrgUnit.id == Case.org_unit_id)
        .outerjoin(User, User.id == Case.worker_id)
        .where(*where)
        .order_by(Case.state_entered_at, Case.id)
        .limit(limit).offset(offset)
    ).all()
    return total, rows


@dataclass
class QueuePage:
    """One page of the review queue, with what each case lacks and the triggers its buttons fire."""

    total: int
    rows: list
    problems: dict  # case id -> review_problems()
    allowed: dict  # case id -> the triggers the engine allows the viewer


def queue_page(viewer, now, limit=50, offset=0):
    """Return one page of the queue with each case's problems and allowed triggers."""
    total, rows = queue(viewer, limit=limit, offset=offset)
    problems = {row[0].id: review_problems(row[0], viewer, now) for row in rows}
    engine = get_engine()  # the buttons shown are the triggers the engine allows this viewer
    allowed = {row[0].id: {t.trigger for t in engine.available(row[0], viewer)} for row in rows}
    return QueuePage(total, rows, problems, allowed)


def review_problems(case, actor, now=None):
    """Return what the submission lacks now: the guards of the steps that lead into review.

    A clean case returns []; only clean cases are approved in a batch.
    """
    definition = get_engine().definition
    problems = []
    for t in definition.transitions:
        if t.dest != case.state or case.state in t.sources:
            continue
        firing = Firing(definition, case, actor, t.trigger, t.sources[0], now or utcnow())
        for name in t.guards:
            problems.extend(p for p in GUARDS[name](firing) if p not in problems)
    return problems


def each_case(case_ids, actor, act):
    """Run act(case) for each case in its own transaction; return an Outcome per case.

    A case outside the subtree, or a ProcessError raised by act, is that case's failure;
    the others go on.
    """
    outcomes = []
    for case_id in dict.fromkeys(case_ids):
        try:
            case = load_case(case_id, actor)
        except CaseNotFound as exc:
            outcomes.append(Outcome(case_id, f"#{case_id}", False, exc.message))
            continue
        name = case.person.name
        try:
            act(case)
        except ProcessError as exc:
            db.session.rollback()
            outcomes.append(Outcome(case_id, name, False, exc.message))
            continue
        outcomes.append(Outcome(case_id, name, True))
    return outcomes


def approve_many(case_ids, actor, now=None):
    """Approve each clean case in its own transaction; return an Outcome per case."""
    def approve(case):
        problems = review_problems(case, actor, now) if case.state in review_states() else []
        if problems:
            raise ProcessError(_("未通过检查：") + "；".join(problems))
        get_engine().fire(case, REVIEW_TRIGGER, actor, now=now)

    return each_case(case_ids, actor, approve)


def send_back(case, actor, reason, expected_version=None, now=None):
    """Send a case back to the worker with a required reason; the worker is notified."""
    record = get_engine().fire(case, "send_back", actor, reason=reason, expected_version=expected_version,
                               now=now, commit=False)
    try:
        notices.notify_sent_back(case, record, actor)
    except Exception:
        db.session.rollback()  # no notice, no send-back: one transaction
        raise
    commit_or_conflict()
    return record
