"""The in-app inbox: the bell with its unread count, the list, read and unread."""

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from sqlalchemy import func, select, update

from workflow.db import db, utcnow
from workflow.models import InboxItem
from workflow.models.outbox import KINDS
from workflow.text import label

bp = Blueprint("inbox", __name__, url_prefix="/inbox")
PER_PAGE = 30


def unread_count(user):
    """The number on the bell: one indexed count over (user_id, read_at)."""
    return db.session.scalar(
        select(func.count(InboxItem.id)).where(InboxItem.user_id == user.id, InboxItem.read_at.is_(None))
    )


def unread_column(user_id):
    """The bell's count as a column, so the statement that finds the session brings it along."""
    return (select(func.count(InboxItem.id)).where(InboxItem.user_id == user_id, InboxItem.read_at.is_(None))
            .scalar_subquery().label("inbox_unread"))


def bell_count():
    """The number on the bell: the one the session lookup brought, else counted now."""
    if not g.get("user"):
        return 0
    if g.get("inbox_unread") is None:
        g.inbox_unread = unread_count(g.user)
    return g.inbox_unread


def bell_helpers():
    """Template helpers: inbox_unread() for the bell, kind_label() for the list."""
    return {
        "inbox_unread": bell_count,
        "message_kind_label": lambda kind: label(KINDS.get(kind, KINDS["notice"])),
    }


def _own(item_id):
    """The user's own item; anyone else's is 404."""
    item = db.session.get(InboxItem, item_id)
    if item is None or item.user_id != g.user.id:
        abort(404)
    return item


def _back():
    return redirect(url_for("inbox.index", page=request.form.get("page", 1, type=int),
                            show=request.form.get("show") or None))


@bp.get("")
def index():
    """The user's messages, newest first; ?show=unread keeps the unread ones."""
    page = max(request.args.get("page", 1, type=int), 1)
    show = "unread" if request.args.get("show") == "unread" else "all"
    query = select(InboxItem).where(InboxItem.user_id == g.user.id)
    if show == "unread":
        query = query.where(InboxItem.read_at.is_(None))
    items = db.session.scalars(
        query.order_by(InboxItem.created_at.desc(), InboxItem.id.desc())
        .limit(PER_PAGE + 1).offset((page - 1) * PER_PAGE)
    ).all()
    return render_template("inbox/index.html", items=items[:PER_PAGE], has_next=len(items) > PER_PAGE,
                           page=page, show=show, unread=unread_count(g.user))


@bp.post("/<int:item_id>/read")
def mark_read(item_id):
    item = _own(item_id)
    item.read_at = item.read_at or utcnow()
    db.session.commit()
    return _back()


@bp.post("/<int:item_id>/unread")
def mark_unread(item_id):
    _own(item_id).read_at = None
    db.session.commit()
    return _back()


@bp.post("/read-all")
def mark_all_read():
    db.session.execute(
        update(InboxItem).where(InboxItem.user_id == g.user.id, InboxItem.read_at.is_(None)).values(read_at=utcnow())
    )
    db.session.commit()
    return _back()


@bp.post("/<int:item_id>/open")
def open_item(item_id):
    """Mark the item read and go where it points (the case page checks the scope)."""
    item = _own(item_id)
    item.read_at = item.read_at or utcnow()
    db.session.commit()
    link = item.link or ""
    if not link.startswith("/") or link.startswith("//"):
        return redirect(url_for("inbox.index"))
    return redirect(link)


def init_app(app):
    app.context_processor(bell_helpers)
