"""Today's work (the subtree's cases, most overdue first) and the case page."""

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from forms.base import BaseForm
from forms.reveal import RevealForm
from web import case_page, due_rows, worklist
from web.due_rows import late_text
from web.form_flow import case_or_404
from workflow.cases.services import set_member_reminders
from workflow.db import db, utcnow
from workflow.errors import GuardFailed, NotAllowed
from workflow.privacy.reveal import reveal_id_number

bp = Blueprint("cases", __name__)


@bp.app_template_global()
def deadline_badge(due, now):
    """Return (css class, text) for a deadline shown in lists."""
    css, minutes = worklist.lateness(due, now)
    return css, late_text(minutes)


@bp.get("/")
def index():
    """The user's cases with a deadline, the most overdue first; filters and keyset paging."""
    now = utcnow()
    filters = worklist.parse_filters(request.args, g.user)
    cursor = worklist.Cursor.parse(request.args.get("after"))
    rows, next_cursor = worklist.page(g.user, filters, cursor, current_app.config["CASES_PER_PAGE"], now)
    total, overdue, soon, incoming = worklist.counts(g.user, filters, now)
    labels = due_rows.state_labels()
    units, projects = worklist.filter_choices(g.user)
    return render_template(
        "cases/index.html", rows=due_rows.due_rows(rows, now, labels), filters=filters, first_page=cursor is None,
        next_cursor=next_cursor.token() if next_cursor else None,
        total=total, overdue=overdue, soon=soon, incoming=incoming, state_labels=labels,
        units=units, projects=projects,
        # Every row links to /cases/<id>: build the prefix once, not 50 url_for calls.
        case_url=url_for("cases.show", case_id=0).removesuffix("0"),
    )


@bp.get("/cases/<int:case_id>")
def show(case_id):
    """The case: person, 三个一, 五必登, one timeline, and the actions allowed now."""
    case = case_or_404(case_id, case_page.LOAD)
    return render_template("cases/show.html", reveal_form=RevealForm(), now=utcnow(),
                           **case_page.context(case, g.user))


@bp.post("/cases/<int:case_id>/reveal")
def reveal(case_id):
    """Show the full ID number and phones once, on purpose, with a reason; the view is audited."""
    case = case_or_404(case_id, case_page.LOAD)
    form = RevealForm()
    if not form.validate_on_submit():
        return render_template("cases/show.html", reveal_form=form, now=utcnow(),
                               **case_page.context(case, g.user)), 422
    try:
        number = reveal_id_number(case, g.user, form.reason.data)
    except NotAllowed as exc:
        return render_template("error.html", code=403, message=exc.message), 403
    except GuardFailed as exc:  # e.g. a one-character reason
        form.reason.errors = exc.problems
        return render_template("cases/show.html", reveal_form=form, now=utcnow(),
                               **case_page.context(case, g.user)), 422
    db.session.commit()
    return render_template("cases/show.html", reveal_form=form, now=utcnow(),
                           **case_page.context(case, g.user, revealed_id=number))


@bp.post("/cases/<int:case_id>/member-reminders")
def member_reminders(case_id):
    """A party member opts out of the 组织生活 reminders, or back in."""
    case = case_or_404(case_id)
    form = BaseForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        set_member_reminders(case, g.user, receive=request.form.get("receive") == "1")
    except NotAllowed as exc:
        return render_template("error.html", code=403, message=exc.message), 403
    flash(_("已更新组织生活提醒设置"), "success")
    return redirect(url_for("cases.show", case_id=case.id))
