"""The user's inbox: the bell's unread count, the list, marking messages read and unread."""

from datetime import timedelta

from sqlalchemy import exists, func, or_, select, update

from workflow.db import db, utcnow
from workflow.models import Case, InboxItem, OutboxMessage

# Reminders about one deadline of a case: once that deadline has moved on (the case was
# reviewed, answered, contacted), the reminder is no longer anyone's to act on.
DEADLINE_KINDS = ("near_due", "overdue", "escalation", "lost", "serious")


def still_open():
    """SQL: the item is still the user's to act on (not a reminder of a deadline since met)."""
    return or_(InboxItem.kind.not_in(DEADLINE_KINDS), InboxItem.case_id.is_(None), exists(
        select(OutboxMessage.id).join(Case, Case.id == InboxItem.case_id)
        .where(OutboxMessage.id == InboxItem.message_id, Case.next_due_at == OutboxMessage.due_at)))


def _bell(user_id):
    return (select(func.count(InboxItem.id))
            .where(InboxItem.user_id == user_id, InboxItem.read_at.is_(None), still_open()))


def unread_count(user):
    """Return the number on the bell: the unread items still the user's to act on."""
    return db.session.scalar(_bell(user.id))


def unread_column(user_id):
    """Return the bell's count as a column, so the statement that finds the session brings it along."""
    return _bell(user_id).scalar_subquery().label("inbox_unread")


def all_unread_count(user):
    """Every unread item, those whose deadline has since been met included."""
    return db.session.scalar(
        select(func.count(InboxItem.id)).where(InboxItem.user_id == user.id, InboxItem.read_at.is_(None)))


def messages(user, page, unread_only, per_page):
    """Return (items of the page, whether a next page exists), newest first."""
    query = select(InboxItem).where(InboxItem.user_id == user.id)
    if unread_only:
        query = query.where(InboxItem.read_at.is_(None))
    items = db.session.scalars(
        query.order_by(InboxItem.created_at.desc(), InboxItem.id.desc())
        .limit(per_page + 1).offset((page - 1) * per_page)
    ).all()
    return items[:per_page], len(items) > per_page


def _own(user, item_id):
    """Return the user's own item, or None for anyone else's (or none at all)."""
    item = db.session.get(InboxItem, item_id)
    return item if item is not None and item.user_id == user.id else None


def mark_read(user, item_id):
    """Mark one of the user's items read; return it, or None when it is not theirs."""
    item = _own(user, item_id)
    if item is not None:
        item.read_at = item.read_at or utcnow()
        db.session.commit()
    return item


def mark_unread(user, item_id):
    """Mark one of the user's items unread; return it, or None when it is not theirs."""
    item = _own(user, item_id)
    if item is not None:
        item.read_at = None
        db.session.commit()
    return item


def mark_old_read(user, days, now=None):
    """Mark read the user's unread items older than days, and those no longer theirs to act
    on; return how many."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    done = db.session.execute(
        update(InboxItem).where(InboxItem.user_id == user.id, InboxItem.read_at.is_(None),
                                or_(InboxItem.created_at < cutoff, ~still_open()))
        .values(read_at=now or utcnow()).execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return done


def mark_all_read(user):
    """Mark every unread item of the user read."""
    db.session.execute(
        update(InboxItem).where(InboxItem.user_id == user.id, InboxItem.read_at.is_(None)).values(read_at=utcnow())
    )
    db.session.commit()
