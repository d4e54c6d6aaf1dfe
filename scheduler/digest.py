"""The daily digest: one message per worker with what is due today and what is overdue."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from scheduler.messages import task_label
from scheduler.recipients import Directory
from scheduler.scan import responsible
from scheduler.settings import digest_clock, local, zone
from workflow.db import db
from workflow.models import Case, Person
from workflow.outbox import enqueue


@dataclass
class DigestResult:
    day: str
    workers: int = 0
    written: int = 0
    existing: int = 0

    def describe(self):
        return (f"digest for {self.day}: {self.workers} workers with work due; wrote {self.written}"
                f" digests; {self.existing} were in the outbox already")


def latest_instant(now):
    """The most recent digest time (local DIGEST_TIME) at or before now."""
    local_now = now.astimezone(zone())
    today = datetime.combine(local_now.date(), digest_clock(), tzinfo=zone())
    return today if today <= local_now else today - timedelta(days=1)


def run(now):
    """Write today's digest for every worker with cases due today or overdue."""
    instant = latest_instant(now)
    start = instant.replace(hour=0, minute=0)
    end = start + timedelta(days=1)
    rows = db.session.execute(
        select(Case.id, Case.next_due_at, Case.due_kind, Case.state, Case.worker_id, Case.org_path,
               Case.handover_to_path, Person.name.label("person_name"))
        .join(Person, Person.id == Case.person_id)
        .where(Case.next_due_at < end)
        .order_by(Case.next_due_at, Case.id)
    ).all()
    directory = Directory()
    per_worker = defaultdict(lambda: ([], []))
    for row in rows:
        for user in responsible(row, directory):
            per_worker[user.id][0 if row.next_due_at >= start else 1].append(row)
    result = DigestResult(day=instant.strftime("%Y-%m-%d"), workers=len(per_worker))
    for user_id, (today, overdue) in per_worker.items():
        user = directory.users[user_id]
        title, body = compose(instant, today, overdue, now)
        written = enqueue(kind="digest", recipient=f"user:{user.id}", title=title, body=body,
                          due_at=instant, user=user, link="/", now=now)
        result.written += written
        result.existing += not written
    db.session.commit()
    return result


def compose(instant, today, overdue, now):
    """Return (title, body): counts first, then each list, the oldest first."""
    limit = current_app.config["DIGEST_MAX_ITEMS"]
    title = _("每日待办 %(day)s：今日到期%(a)s件，已逾期%(b)s件",
              day=local(instant, "%m-%d"), a=len(today), b=len(overdue))
    lines = []
    for heading, rows, describe in (
        (_("今日到期"), today, lambda r: _("期限%(t)s", t=local(r.next_due_at, "%H:%M"))),
        (_("已逾期"), overdue, lambda r: _("逾期%(d)s天", d=(now - r.next_due_at).days)),
    ):
        if not rows:
            continue
        lines.append(_("%(heading)s（%(n)s件）：", heading=heading, n=len(rows)))
        for row in rows[:limit]:
            lines.append(f"· {row.person_name}（{task_label(row.due_kind)}）{describe(row)}")
        if len(rows) > limit:
            lines.append(_("……另有%(n)s件，请在系统中查看", n=len(rows) - limit))
    return title, "\n".join(lines)
