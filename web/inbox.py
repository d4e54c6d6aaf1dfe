"""The in-app inbox: the bell with its unread count, the list, read and unread."""

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from workflow.accounts import inbox
from workflow.models.outbox import KINDS
from workflow.text import label

bp = Blueprint("inbox", __name__, url_prefix="/inbox")
PER_PAGE = 30
OLD_DAYS = 7  # "mark old ones read": older than a week, or no longer the user's to act on


def bell_count():
    """The number on the bell: the one the session lookup brought, else counted now."""
    if not g.get("user"):
        return 0
    if g.get("inbox_unread") is None:
        g.inbox_unread = inbox.unread_count(g.user)
    return g.inbox_unread


def bell_helpers():
    """Template helpers: inbox_unread() for the bell, kind_label() for the list."""
    return {
        "inbox_unread": bell_count,
        "message_kind_label": lambda kind: label(KINDS.get(kind, KINDS["notice"])),
    }


def _found(item):
    """The item when it is the user's own; anyone else's is 404."""
    if item is None:
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
    items, has_next = inbox.messages(g.user, page, show == "unread", PER_PAGE)
    return render_template("inbox/index.html", items=items, has_next=has_next,
                           page=page, show=show, unread=inbox.all_unread_count(g.user),
                           open_count=bell_count(), old_days=OLD_DAYS)


@bp.post("/<int:item_id>/read")
def mark_read(item_id):
    _found(inbox.mark_read(g.user, item_id))
    return _back()


@bp.post("/<int:item_id>/unread")
def mark_unread(item_id):
    _found(inbox.mark_unread(g.user, item_id))
    return _back()


@bp.post("/read-old")
def mark_old_read():
    """Mark read in one go what is old or no longer the user's to act on."""
    done = inbox.mark_old_read(g.user, OLD_DAYS)
    flash(_("已将%(n)s条旧消息标为已读", n=done), "success")
    return _back()


@bp.post("/read-all")
def mark_all_read():
    inbox.mark_all_read(g.user)
    return _back()


@bp.post("/<int:item_id>/open")
def open_item(item_id):
    """Mark the item read and go where it points (the case page checks the scope)."""
    link = _found(inbox.mark_read(g.user, item_id)).link or ""
    if not link.startswith("/") or link.startswith("//"):
        return redirect(url_for("inbox.index"))
    return redirect(link)


def init_app(app):
    app.context_processor(bell_helpers)
