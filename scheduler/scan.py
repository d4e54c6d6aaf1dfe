"""The due-and-overdue scan: reads only the due cases that need a look, in keyset batches.

A case due before now + REMINDER_LEAD_DAYS needs a look when the scan has not handled
it as it is now (its version moved on: a new deadline, worker, state, contact...) or when
a reminder it has not had yet is due (scan_after: overdue, escalation, serious). Each
handled case is marked in the same transaction as its reminders, so the cost of a run
follows the reminders still to write, not the backlog of cases reminded already. Each
reminder is written with its unique key (case, deadline, kind, recipient) and
on-conflict-do-nothing: a second run, a restart or a crash half-way never writes one twice.
"""

from collections import Counter
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import Integer, bindparam, or_, select, tuple_, union, update

from scheduler import messages
from scheduler.recipients import Directory
from scheduler.settings import days
from workflow.db import db
from workflow.models import Case, OrgUnit, Person
from workflow.outbox import enqueue_many
from workflow.process.engine import get_engine

BATCH = 500
CASES, PEOPLE, UNITS = Case.__table__, Person.__table__, OrgUnit.__table__
DUE = CASES.alias("due")  # the ids subqueries' own cases
STAMP = CASES.c.next_due_at.type  # UTC in, aware datetimes out


@dataclass
class ScanResult:
    cases: int = 0
    written: Counter = field(default_factory=Counter)
    existing: int = 0

    def describe(self):
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(self.written.items())) or "none"
        return (f"{self.cases} due cases needed a look; wrote {sum(self.written.values())} reminders"
                f" ({kinds}); {self.existing} were in the outbox already")


def pending_ids(horizon, now, after=None, batch=BATCH):
    """The next batch of due cases needing a look, by deadline, from the scan's two partial indexes.

    Not handled as they are now: ix_cases_scan_unhandled; handled, with a reminder come due
    since: ix_cases_scan_after. Each source is cut to one batch before the two are merged,
    so a batch costs a batch however many cases are due. The WHERE repeats each index's
    predicate (workflow/models/case.py), or the database could not use it.
    """
    due = DUE.c
    later = () if after is None else (tuple_(due.next_due_at, due.id) > tuple_(*after),)  # keyset
    unhandled = (select(due.next_due_at, due.id)
                 .where(due.next_due_at <= horizon,
                        or_(due.scanned_version.is_(None), due.scanned_version != due.version), *later)
                 .order_by(due.next_due_at, due.id).limit(batch).subquery("unhandled"))
    come_due = (select(due.next_due_at, due.id)
                .where(due.scan_after <= now, due.next_due_at <= horizon, *later)
                .order_by(due.next_due_at, due.id).limit(batch).subquery("come_due"))
    pending = union(select(unhandled.c.next_due_at, unhandled.c.id),
                    select(come_due.c.next_due_at, come_due.c.id)).subquery("pending")
    return select(pending.c.id).order_by(pending.c.next_due_at, pending.c.id).limit(batch)


def due_query(horizon, now, after=None, batch=BATCH):
    """One batch of due cases needing a look, with what a reminder says (Core: the rows are plain)."""
    case, person, unit = CASES.c, PEOPLE.c, UNITS.c
    return (
        select(case.id.label("case_id"), case.version, case.next_due_at, case.due_kind, case.state,
               case.state_entered_at, case.worker_id, case.org_unit_id, case.org_path,
               case.last_contact_at, case.moved_out_at, case.handover_to_path, person.id.label("person_id"),
               person.name.label("person_name"), person.is_party_member, person.reminder_opt_out,
               unit.name.label("unit_name"))
        .select_from(CASES.join(PEOPLE, person.id == case.person_id).join(UNITS, unit.id == case.org_unit_id))
        .where(case.id.in_(pending_ids(horizon, now, after, batch).scalar_subquery()))
        .order_by(case.next_due_at, case.id)
    )


_PREPARED = {}


def prepared(batch, keyset):
    """due_query with bind parameters, built once per shape: building it costs more than running it."""
    statement = _PREPARED.get((batch, keyset))
    if statement is None:
        after = (bindparam("after_due", type_=STAMP), bindparam("after_id", type_=Integer)) if keyset else None
        statement = _PREPARED[batch, keyset] = due_query(
            bindparam("horizon", type_=STAMP), bindparam("now", type_=STAMP), after, batch)
    return statement


def batches(now, batch=BATCH):
    """Yield the due cases needing a look as of now, one batch of rows at a time."""
    params = {"horizon": now + days("REMINDER_LEAD_DAYS"), "now": now}
    keyset = False
    while True:
        rows = db.session.execute(prepared(batch, keyset), params).all()
        if rows:
            yield rows
        if len(rows) < batch:
            return
        keyset = True
        params.update(after_due=rows[-1].next_due_at, after_id=rows[-1].case_id)


def run(now, batch=BATCH):
    """Write every reminder due as of now; return what was written."""
    result = ScanResult()
    for rows in batches(now, batch):
        directory = Directory()  # per batch: a commit expires its users, and reloading each costs a query
        messages = [message for row in rows for message in reminders(row, now, directory)]
        for message, written in zip(messages, enqueue_many(messages, now), strict=True):
            if written:
                result.written[message["kind"]] += 1
            else:
                result.existing += 1
        mark(rows, now)
        db.session.commit()
        result.cases += len(rows)
    return result


def mark(rows, now):
    """Record each case as handled as of now: the version read, and when to look again."""
    # Core, not the ORM: the version stays (a user's edit in flight must not conflict with
    # the scan) and so does updated_at. A case changed since the read keeps an old
    # scanned_version, so the next run reads it again.
    statement = (update(CASES).where(CASES.c.id == bindparam("row_id"))
                 .values(scanned_version=bindparam("row_version"), scan_after=bindparam("row_after"),
                         updated_at=CASES.c.updated_at))
    db.session.execute(statement, [{"row_id": r.case_id, "row_version": r.version, "row_after": look_again(r, now)}
                                   for r in rows])


def look_again(row, now):
    """The earliest instant a reminder this case has not had yet arises; None if none can."""
    cfg = current_app.config
    times = []
    if row.state not in cfg["ESCALATE_AT_ONCE_STATES"]:
        if now < row.next_due_at:
            times.append(row.next_due_at)  # overdue
        if now - row.next_due_at <= days("ESCALATION_DAYS"):
            times.append(row.next_due_at + days("ESCALATION_DAYS"))
    last = _last_contact(row)
    if last is not None and now - last < days("SERIOUS_NO_CONTACT_DAYS"):
        times.append(last + days("SERIOUS_NO_CONTACT_DAYS"))
    return min(times, default=None)


def forget():
    """Clear every mark, so the next run reads every due case again; return how many were cleared."""
    statement = (update(CASES).where(CASES.c.scanned_version.is_not(None))
                 .values(scanned_version=None, scan_after=None, updated_at=CASES.c.updated_at))
    return db.session.execute(statement).rowcount


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
        if _receiving(row):  # the receiver is late: now the sender hears of it too
            senders = [u for u in own_workers(row, directory) if u not in workers]
            yield from _to_users("overdue", messages.overdue(row, now), senders, base)
        if escalated(row, now):  # the leaders read it in their daily digest (督办), the group robot now
            text = messages.escalation(row, now, workers, cfg["ESCALATION_DAYS"])
            yield from _to_robot("escalation", text, row, directory, base)
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


def _reviewing(row):
    """A deadline of a state that waits on a reviewer (process.toml waits_on) is the reviewer's."""
    state = get_engine().definition.states.get(row.state)
    return state is not None and state.waits_on == "reviewer" and row.due_kind == row.state


def responsible(row, directory):
    """Who must act next on the deadline: the case's worker; the receiver's during a handover;
    the nearest supervisors for a review (the worker when the subtree has none)."""
    if _receiving(row):
        return directory.responsible(None, row.handover_to_path)
    if _reviewing(row):
        return directory.reviewers(row.org_path) or directory.responsible(row.worker_id, row.org_path)
    return directory.responsible(row.worker_id, row.org_path)


def own_workers(row, directory):
    """The case's own worker(s), whoever must act next."""
    return directory.responsible(row.worker_id, row.org_path)


def escalated(row, now):
    """Late past ESCALATION_DAYS, in a state not told at once: the leaders' 督办."""
    return (row.state not in current_app.config["ESCALATE_AT_ONCE_STATES"]
            and now - row.next_due_at > days("ESCALATION_DAYS"))


def leaders(row, directory):
    """The nearest supervisors of the case; during a handover the receiving unit's too."""
    people = list(directory.leaders(row.org_path))
    if _receiving(row):
        people += [u for u in directory.leaders(row.handover_to_path) if u not in people]
    return people


def _to_leaders(kind, text, row, directory, base):
    """The case's leaders, and the unit's group robot when this kind goes there."""
    yield from _to_users(kind, text, leaders(row, directory), base)
    yield from _to_robot(kind, text, row, directory, base)


def _to_robot(kind, text, row, directory, base):
    """The nearest group robot, when this kind goes there."""
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
