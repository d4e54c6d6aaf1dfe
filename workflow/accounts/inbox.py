"""The user's inbox: the bell's unread count, the list, marking messages read and unread."""

from sqlalchemy import func, select, update

from workflow.db import db, utcnow
from workflow.models import InboxItem


def unread_count(user):
    """Return the number on the bell: one indexed count over (user_id, read_at)."""
    return db.session.scalar(
        select(func.count(InboxItem.id)).where(InboxItem.user_id == user.id, InboxItem.read_at.is_(None))
    )


def unread_column(user_id):
    """Return the bell's count as a column, so the statement that finds the session brings it along."""
    return (select(func.count(InboxItem.id)).where(InboxItem.user_id == user_id, InboxItem.read_at.is_(None))
            .scalar_subquery().label("inbox_unread"))


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


def mark_all_read(user):
    """Mark every unread item of the user read."""
    db.session.execute(
        update(InboxItem).where(InboxItem.user_id == user.id, InboxItem.read_at.is_(None)).values(read_at=utcnow())
    )
    db.session.commit()
