"""The daily digest: one message per person who must act next (the worker, the reviewer, the
receiving unit), grouped by what to do, the most urgent first, with how many of their own
cases wait on someone else. A supervisor's digest also carries their 督办 list: the cases of
their reach late past ESCALATION_DAYS, told once a day in one message rather than one each."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from scheduler.messages import task_label
from scheduler.recipients import Directory
from scheduler.scan import escalated, leaders, own_workers, responsible
from scheduler.settings import digest_clock, local, zone
from workflow.db import db
from workflow.models import Case, OrgUnit, Person
from workflow.outbox import enqueue


@dataclass
class DigestResult:
    day: str
    people: int = 0
    written: int = 0
    existing: int = 0

    def describe(self):
        return (f"digest for {self.day}: {self.people} people with work due; wrote {self.written}"
                f" digests; {self.existing} were in the outbox already")


def latest_instant(now):
    """The most recent digest time (local DIGEST_TIME) at or before now."""
    local_now = now.astimezone(zone())
    today = datetime.combine(local_now.date(), digest_clock(), tzinfo=zone())
    return today if today <= local_now else today - timedelta(days=1)


def run(now):
    """Write today's digest for everyone with work due today or overdue, or with a 督办 list."""
    instant = latest_instant(now)
    start = instant.replace(hour=0, minute=0)
    end = start + timedelta(days=1)
    rows = db.session.execute(
        select(Case.id, Case.next_due_at, Case.due_kind, Case.state, Case.worker_id, Case.org_path,
               Case.handover_to_path, Person.name.label("person_name"), OrgUnit.name.label("unit_name"))
        .join(Person, Person.id == Case.person_id)
        .join(OrgUnit, OrgUnit.id == Case.org_unit_id)
        .where(Case.next_due_at < end)
        .order_by(Case.next_due_at, Case.id)
    ).all()
    directory = Directory()
    per_worker = defaultdict(lambda: ([], [], []))  # user id -> (due today, overdue, 督办)
    waiting = defaultdict(int)  # user id -> their cases due now whose next step is someone else's
    for row in rows:
        actors = responsible(row, directory)
        for user in actors:
            per_worker[user.id][0 if row.next_due_at >= start else 1].append(row)
        for user in own_workers(row, directory):
            if user not in actors:
                waiting[user.id] += 1
        if escalated(row, instant):
            for user in leaders(row, directory):
                if user not in actors:  # a reviewer's own late review is listed as their work already
                    per_worker[user.id][2].append(row)
    result = DigestResult(day=instant.strftime("%Y-%m-%d"), people=len(per_worker))
    for user_id, (today, overdue, watched) in per_worker.items():
        user = directory.users[user_id]
        title, body = compose(instant, today, overdue, now, waiting[user_id], watched)
        written = enqueue(kind="digest", recipient=f"user:{user.id}", title=title, body=body,
                          due_at=instant, user=user, link="/", now=now)
        result.written += written
        result.existing += not written
    db.session.commit()
    return result


def compose(instant, today, overdue, now, waiting=0, watched=()):
    """Return (title, body): counts first, then one group per task, the group with the oldest
    deadline first and each group oldest first; then the 督办 list (late past the escalation
    line in the supervisor's reach, oldest first, with the unit); last, how many wait on others."""
    cfg = current_app.config
    limit = cfg["DIGEST_MAX_ITEMS"]
    title = _("每日待办 %(day)s：已逾期%(b)s件，今日到期%(a)s件",
              day=local(instant, "%m-%d"), a=len(today), b=len(overdue))
    if watched:
        title += _("，督办%(n)s件", n=len(watched))
    if waiting:
        title += _("，另有%(n)s件等待他人", n=waiting)
    late_ids = {r.id for r in overdue}
    groups = defaultdict(list)
    for row in sorted(overdue + today, key=lambda r: (r.next_due_at, r.id)):
        groups[task_label(row.due_kind)].append(row)
    lines = []
    for task, rows in groups.items():  # insertion order: the group with the oldest deadline first
        late = sum(1 for r in rows if r.id in late_ids)
        lines.append(_("%(task)s（%(n)s件，其中逾期%(late)s件）：", task=task, n=len(rows), late=late)
                     if late else _("%(task)s（%(n)s件）：", task=task, n=len(rows)))
        for row in rows[:limit]:
            lines.append(f"· {row.person_name} {_when(row, now, row.id in late_ids)}")
        if len(rows) > limit:
            lines.append(_("……另有%(n)s件，请在系统中查看", n=len(rows) - limit))
    if watched:
        lines.append(_("督办·逾期超过%(days)s天（%(n)s件）：", days=cfg["ESCALATION_DAYS"], n=len(watched)))
        for row in sorted(watched, key=lambda r: (r.next_due_at, r.id))[:limit]:
            lines.append(f"· {row.person_name}（{row.unit_name}，{task_label(row.due_kind)}）"
                         f"{_when(row, now, True)}")
        if len(watched) > limit:
            lines.append(_("……另有%(n)s件，请在督导总览中查看", n=len(watched) - limit))
    if waiting:
        lines.append(_("另有%(n)s件在等待他人（审核或对方接收），不计入您的逾期。", n=waiting))
    return title, "\n".join(lines)


def _when(row, now, late):
    if late:
        return _("逾期%(d)s天", d=(now - row.next_due_at).days)
    return _("今日%(t)s到期", t=local(row.next_due_at, "%H:%M"))
