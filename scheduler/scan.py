"""The due-and-overdue scan: one indexed range query over cases.next_due_at.

Only cases whose deadline falls before now + REMINDER_LEAD_DAYS are read, so the
cost grows with the work due, not with the table. Each reminder is written with its
unique key (case, deadline, kind, recipient) and on-conflict-do-nothing, one batch
per transaction: a second run, a restart or a crash half-way never writes one twice.
"""

from collections import Counter
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select

from scheduler import messages
from scheduler.recipients import Directory
from scheduler.settings import days
from workflow.db import db
from workflow.models import Case, OrgUnit, Person
from workflow.outbox import enqueue

BATCH = 500


@dataclass
class ScanResult:
    cases: int = 0
    written: Counter = field(default_factory=Counter)
    existing: int = 0

    def describe(self):
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(self.written.items())) or "none"
        return (f"{self.cases} cases due or near due; wrote {sum(self.written.values())} reminders"
                f" ({kinds}); {self.existing} were in the outbox already")


def due_query(horizon):
    """Cases due before horizon with what a reminder says: a range scan of ix_cases_next_due_at."""
    return (
        select(Case.id.label("case_id"), Case.next_due_at, Case.due_kind, Case.state,
               Case.state_entered_at, Case.worker_id, Case.org_unit_id, Case.org_path,
               Case.last_contact_at, Case.moved_out_at, Case.handover_to_path, Person.id.label("person_id"),
               Person.name.label("person_name"), Person.is_party_member, Person.reminder_opt_out,
               OrgUnit.name.label("unit_name"))
        .join(Person, Person.id == Case.person_id)
        .join(OrgUnit, OrgUnit.id == Case.org_unit_id)
        .where(Case.next_due_at <= horizon)
        .order_by(Case.next_due_at, Case.id)
    )


def run(now, batch=BATCH):
    """Write every reminder due as of now; return what was written."""
    rows = db.session.execute(due_query(now + days("REMINDER_LEAD_DAYS"))).all()
    directory = Directory()
    result = ScanResult(cases=len(rows))
    for start in range(0, len(rows), batch):
        for row in rows[start:start + batch]:
            for message in reminders(row, now, directory):
                if enqueue(now=now, **message):
                    result.written[message["kind"]] += 1
                else:
                    result.existing += 1
        db.session.commit()
    return result


def reminders(row, now, directory):
    """Yield the messages one due case calls for as of now (enqueue keyword arguments)."""
    cfg = current_app.config
    workers = responsible(row, directory)
    base = {"case_id": row.case_id, "due_at": row.next_due_at, "link": f"/cases/{row.case_id}"}
    late = now - row.next_due_at
    if row.state in cfg["ESCALATE_AT_ONCE_STATES"]:
        yield from _to_leaders("lost", messages.at_once(row, now, workers), row, directory, base)
    elif late.total_seconds() < 0:
        yield from _to_users("near_due", messages.near_due(row, now), workers, base)
    else:
        yield from _to_users("overdue", messages.overdue(row, now), workers, base)
        if late > days("ESCALATION_DAYS"):
            text = messages.escalation(row, now, workers, cfg["ESCALATION_DAYS"])
            yield from _to_leaders("escalation", text, row, directory, base)
    last = _last_contact(row)
    if last is not None and now - last >= days("SERIOUS_NO_CONTACT_DAYS"):
        yield from _to_leaders("serious", messages.serious(row, now, workers, last), row, directory, base)
    if _member_wanted(row, cfg):
        robot = directory.robot_unit(row.org_path)
        if robot is not None:
            title, body = messages.org_life(row, db.session.get(OrgUnit, row.org_unit_id))
            yield {**base, "kind": "org_life", "recipient": f"person:{row.person_id}", "title": title,
                   "body": body, "unit": robot, "person_id": row.person_id}


def _to_users(kind, text, users, base):
    for user in users:
        yield {**base, "kind": kind, "recipient": f"user:{user.id}", "title": text[0], "body": text[1],
               "user": user}


def _receiving(row):
    """A handover's own deadline is the receiving unit's to meet (DESIGN.md §3)."""
    return bool(row.handover_to_path) and row.due_kind == row.state


def responsible(row, directory):
    """Who must act on the deadline: the case's worker, or the receiver's during a handover."""
    if _receiving(row):
        return directory.responsible(None, row.handover_to_path)
    return directory.responsible(row.worker_id, row.org_path)


def _to_leaders(kind, text, row, directory, base):
    """The subtree's supervisors, and the unit's group robot when this kind goes there."""
    supervisors = list(directory.supervisors_of(row.org_path))
    if _receiving(row):
        supervisors += [u for u in directory.supervisors_of(row.handover_to_path) if u not in supervisors]
    yield from _to_users(kind, text, supervisors, base)
    cfg = current_app.config
    robot = directory.robot_unit(row.org_path)
    if robot is not None and kind in cfg["WEBHOOK_KINDS"] and "webhook" in cfg["NOTIFY_CHANNELS"]:
        yield {**base, "kind": kind, "recipient": f"unit:{robot.id}", "title": text[0], "body": text[1],
               "unit": robot}


def _last_contact(row):
    """When the follow-up clock last restarted (the move or the last contact); None before the move."""
    times = [t for t in (row.last_contact_at, row.moved_out_at) if t is not None]
    return max(times) if times else None


def _member_wanted(row, cfg):
    return (cfg["MEMBER_REMINDERS"] and row.is_party_member and not row.reminder_opt_out
            and row.state in cfg["MEMBER_REMINDER_STATES"] and "webhook" in cfg["NOTIFY_CHANNELS"])
