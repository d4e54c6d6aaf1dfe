"""流动党员 reminders: the six-month line, the yearly report, contact abroad, 活动证 expiry,
the graduate limit and 应转尽转, written through the outbox as of an instant.

Each item is one message per case, deadline day, kind and recipient (the outbox key), so
a second run, a restart or a crash half-way never writes one twice; a new deadline (a
report logged, a certificate renewed) is a new day and so a new reminder. The worker (or
the nearest unit's workers) hears of every item; six months abroad without contact goes to
the nearest supervisors too (Directory.leaders), as a serious case. One run reads the
registered members and, of the 本地 crowd, only those near the line and not told of it yet
(workflow.reports.mobility.reminder_rows): run it hourly or daily, not every minute.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, time

from flask_babel import gettext as _

from scheduler.recipients import Directory
from workflow.db import db
from workflow.mobility.clocks import local_day, zone
from workflow.mobility.policy import get_policy
from workflow.mobility.tasks import items, serious
from workflow.outbox import dedupe_key, enqueue_many
from workflow.reports.mobility import reminder_rows
from workflow.text import label


@dataclass
class MobilityResult:
    written: Counter = field(default_factory=Counter)
    existing: int = 0

    def describe(self):
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(self.written.items())) or "none"
        return f"wrote {sum(self.written.values())} reminders ({kinds}); {self.existing} were in the outbox already"


def _words(row, item, today):
    """The title and body of one reminder, in Chinese (messages are stored as written)."""
    what = label(get_policy().labels[item.kind])
    day = item.due_on.isoformat()
    if item.kind == "line":
        return (_("应登记为流动党员：%(name)s", name=row.name),
                _("%(name)s（%(unit)s）离开支部组织生活将于%(day)s满六个月。请登记为流动党员，或建议转接组织关系。",
                  name=row.name, unit=row.unit, day=day))
    if item.kind == "transfer":
        return (_("建议转接组织关系：%(name)s", name=row.name),
                _("%(name)s（%(unit)s）已在外地长期定居。按“应转尽转”，请发起组织关系移交。", name=row.name, unit=row.unit))
    if serious(item):
        return (_("严重情况：%(name)s出国(境)逾期未联系", name=row.name),
                _("%(name)s（%(unit)s）在境外，已超过规定期限未联系（应于%(day)s前联系）。请督导跟进。",
                  name=row.name, unit=row.unit, day=day))
    if item.overdue:
        return (_("已逾期：%(name)s（%(what)s）", name=row.name, what=what),
                _("%(name)s（%(unit)s）的“%(what)s”已于%(day)s到期，已逾期%(n)s天。请尽快处理。",
                  name=row.name, unit=row.unit, what=what, day=day, n=item.days_late(today)))
    return (_("即将到期：%(name)s（%(what)s）", name=row.name, what=what),
            _("%(name)s（%(unit)s）的“%(what)s”将于%(day)s到期。请提前联系本人。",
              name=row.name, unit=row.unit, what=what, day=day))


def _message(row, item, recipient, kind, today):
    title, body = _words(row, item, today)
    due_at = datetime.combine(item.due_on, time(0), tzinfo=zone()).astimezone(UTC)
    key = dedupe_key(row.case_id, due_at, kind, f"user:{recipient.id}")
    return {"kind": kind, "recipient": f"user:{recipient.id}", "title": title, "body": body,
            "case_id": row.case_id, "due_at": due_at, "user": recipient, "link": f"/cases/{row.case_id}#mobility",
            "key": key}


def _kind(item):
    if serious(item):
        return "mobility_serious"
    return f"mobility_{item.kind}" + ("_overdue" if item.overdue and item.kind not in ("line", "transfer") else "")


def run(now):
    """Write every 流动党员 reminder due as of now; one transaction for the run."""
    policy, today, directory = get_policy(), local_day(now), Directory()
    result, messages = MobilityResult(), []
    for row in reminder_rows(now):
        for item in items(row, policy, today):
            kind = _kind(item)
            people = list(directory.responsible(row.worker_id, row.org_path))
            if serious(item):
                people += [u for u in directory.leaders(row.org_path) if u not in people]
            messages += [_message(row, item, person, kind, today) for person in people]
    written = enqueue_many(messages, now) if messages else []
    for message, was_written in zip(messages, written, strict=True):
        if was_written:
            result.written[message["kind"]] += 1
        else:
            result.existing += 1
    db.session.commit()
    return result
