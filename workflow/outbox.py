"""Queue notifications in the caller's transaction; the scheduler delivers them after commit.

    from workflow.outbox import notify
    notify(case.worker, "sent_back", "退回修改：张三", reason, case=case)
    db.session.commit()   # nothing is sent unless this commits

A message goes to a User (in-app inbox, and e-mail when the user has an address and
SMTP is configured), to an OrgUnit (its group robot webhook) or to a Person (the robot
of the nearest unit above their case that has one, @-mentioning their mobile).
"""

from datetime import UTC

from flask import current_app
from sqlalchemy import insert, select
from sqlalchemy.dialects import postgresql, sqlite

from workflow.db import db, utcnow
from workflow.models import Delivery, OrgUnit, OutboxMessage, Person, User


def insert_ignoring(model, key_columns, values):
    """Return an INSERT that does nothing when the unique key exists already."""
    dialect = db.session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(model).values(**values).on_conflict_do_nothing(index_elements=key_columns)


def dedupe_key(case_id, due_at, kind, recipient):
    """The unique key of a message: case, deadline, kind, recipient."""
    due = due_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if due_at else "-"
    return f"{case_id or '-'}|{due}|{kind}|{recipient}"


def recipient_key(target):
    """Name a recipient: user:5, unit:3 or person:7."""
    for model, prefix in ((User, "user"), (OrgUnit, "unit"), (Person, "person")):
        if isinstance(target, model):
            return f"{prefix}:{target.id}"
    raise TypeError(f"cannot notify a {type(target).__name__}")


def webhook_unit(org_path):
    """The nearest unit at or above org_path that has a group robot URL, or None."""
    ids = [int(part) for part in org_path.strip("/").split("/") if part]
    units = db.session.scalars(
        select(OrgUnit).where(OrgUnit.id.in_(ids), OrgUnit.webhook_url.is_not(None), OrgUnit.webhook_url != "")
    ).all()
    return max(units, key=lambda u: len(u.path), default=None)


def channels_for(user=None, unit=None):
    """The channels a message will try: those enabled that have an address."""
    cfg = current_app.config
    enabled = cfg["NOTIFY_CHANNELS"]
    found = []
    if user is not None:
        if "inbox" in enabled:
            found.append("inbox")
        if "email" in enabled and cfg.get("SMTP_HOST") and user.email:
            found.append("email")
    if unit is not None and "webhook" in enabled and unit.webhook_url:
        found.append("webhook")
    return found


def enqueue(*, kind, recipient, title, body="", case_id=None, due_at=None, user=None,
            unit=None, person_id=None, link=None, key=None, now=None):
    """Write one message and its deliveries unless its key exists; return True if written."""
    now = now or utcnow()
    values = _values(kind=kind, recipient=recipient, title=title, body=body, case_id=case_id, due_at=due_at,
                     user=user, unit=unit, person_id=person_id, link=link, key=key, now=now)
    stmt = insert_ignoring(OutboxMessage, ["dedupe_key"], values).returning(OutboxMessage.id)
    message_id = db.session.execute(stmt).scalar()
    if message_id is None:
        return False
    _deliveries({message_id: channels_for(user, unit)}, now)
    return True


def enqueue_many(messages, now):
    """Write many messages (enqueue's keyword arguments) in a few statements; return whether each was written."""
    values = [_values(now=now, **message) for message in messages]
    first = {}  # each key's first message: a key twice in one call is written once
    for index, row in enumerate(values):
        first.setdefault(row["dedupe_key"], index)
    keys, written = list(first), {}
    if keys:  # one cached statement, sent as few multi-row INSERTs (SQLAlchemy's insertmanyvalues)
        result = db.session.execute(_insert_ignoring_many(), [values[first[key]] for key in keys])
        written.update((key, message_id) for message_id, key in result)
    _deliveries({written[key]: channels_for(messages[first[key]].get("user"), messages[first[key]].get("unit"))
                 for key in keys if key in written}, now)
    return [row["dedupe_key"] in written and first[row["dedupe_key"]] == index for index, row in enumerate(values)]


def _values(*, kind, recipient, title, body="", case_id=None, due_at=None, user=None, unit=None,
            person_id=None, link=None, key=None, now=None):
    key = key or dedupe_key(case_id, due_at, kind, recipient)
    if len(key) > 255:
        raise ValueError("a message key has at most 255 characters")
    return {
        "dedupe_key": key,
        "kind": kind, "case_id": case_id, "due_at": due_at, "recipient": recipient,
        "user_id": user.id if user is not None else None,
        "unit_id": unit.id if unit is not None else None,
        "person_id": person_id, "title": title[:200], "body": body, "link": link, "created_at": now,
    }


def _insert_ignoring_many():
    """An INSERT … ON CONFLICT DO NOTHING returning (id, key) of each row written."""
    table = OutboxMessage.__table__
    module = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return (module.insert(table).on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(table.c.id, table.c.dedupe_key))


def _deliveries(channels_by_message, now):
    rows = [{"message_id": message_id, "channel": channel, "status": "pending", "attempts": 0,
             "next_attempt_at": now} for message_id, channels in channels_by_message.items() for channel in channels]
    if rows:
        db.session.execute(insert(Delivery), rows)


def notify(recipient, kind, title, body="", *, case=None, due_at=None, key=None, link=None, now=None):
    """Queue a message to a User, OrgUnit or Person in the current transaction.

    Delivered by the scheduler after the caller commits. The key defaults to
    (case, due_at or now, kind, recipient); return False when it was queued before.
    """
    now = now or utcnow()
    user = recipient if isinstance(recipient, User) else None
    unit = recipient if isinstance(recipient, OrgUnit) else None
    person_id = recipient.id if isinstance(recipient, Person) else None
    if person_id is not None:
        if case is None:
            raise ValueError("a message to a person needs the case (its unit has the robot)")
        unit = webhook_unit(case.org_path)
    if link is None and case is not None:
        link = f"/cases/{case.id}"
    return enqueue(
        kind=kind, recipient=recipient_key(recipient), title=title, body=body,
        case_id=case.id if case is not None else None, due_at=due_at or now, user=user,
        unit=unit, person_id=person_id, link=link, key=key, now=now,
    )
