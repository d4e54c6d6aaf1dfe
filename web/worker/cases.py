"""The `cases` blueprint: today's work (the subtree's cases, most overdue first) and the case page."""

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from forms.base import BaseForm
from forms.household import JoinHouseholdForm, NewHouseholdForm
from forms.reveal import RevealForm
from web.worker import case_page, due_list
from web.worker.form_flow import case_or_404, found_or_404
from workflow.cases.registration import phone_to_call
from workflow.cases.services import set_member_reminders
from workflow.db import utcnow
from workflow.errors import GuardFailed, NotAllowed
from workflow.privacy.reveal import reveal_id_number
from workflow.process.engine import get_engine
from workflow.reports import timeline
from workflow.reports.due_list import due_list as read_due_list
from workflow.reports.household import household_of_case

bp = Blueprint("cases", __name__)
bp.add_app_template_global(due_list.deadline_badge)


@bp.get("/")
def index():
    """The user's cases with a deadline, the most overdue first; filters and keyset paging."""
    now = utcnow()
    found = read_due_list(g.user, request.args, current_app.config["CASES_PER_PAGE"], now)
    labels = due_list.state_labels()
    return render_template(
        "cases/index.html", rows=due_list.due_rows(found.rows, now, labels, get_engine().waiting_states(g.user.role)), filters=found.filters,
        first_page=found.first_page, next_cursor=found.next_cursor,
        total=found.total, overdue=found.overdue, soon=found.soon, incoming=found.incoming, waiting=found.waiting,
        state_labels=labels, units=found.units, projects=found.projects,
        mobility=due_list.mobility_rows(found.mobility, now),
        # Every row links to /cases/<id>: build the prefix once, not 50 url_for calls.
        case_url=url_for("cases.show", case_id=0).removesuffix("0"),
    )


def _show(page, form, status=200, revealed_id=None, **forms):
    household = household_of_case(page.case, g.user)
    if household is None:  # the forms to make or join one are shown only then
        forms.setdefault("new_household_form", NewHouseholdForm(formdata=None))
        forms.setdefault("join_household_form", JoinHouseholdForm(formdata=None))
    return render_template("cases/show.html", reveal_form=form, now=utcnow(), household=household,
                           **forms, **case_page.context(page, revealed_id)), status


def render_case(case_id, status, **forms):
    """The case page with a refused form of its own (kept as typed, its errors shown)."""
    return _show(found_or_404(timeline.case_page, case_id, g.user), RevealForm(formdata=None), status, **forms)


@bp.get("/cases/<int:case_id>")
def show(case_id):
    """The case: person, 三个一, 五必登, one timeline, and the actions allowed now."""
    return _show(found_or_404(timeline.case_page, case_id, g.user), RevealForm())


@bp.post("/cases/<int:case_id>/reveal")
def reveal(case_id):
    """Show the full ID number and phones once, on purpose, with a reason; the view is audited."""
    page = found_or_404(timeline.case_page, case_id, g.user)
    form = RevealForm()
    if not form.validate_on_submit():
        return _show(page, form, 422)
    try:
        number = reveal_id_number(page.case, g.user, form.reason.data, address=request.remote_addr)  # stores the audit row first
    except NotAllowed as exc:
        return render_template("error.html", code=403, message=exc.message), 403
    except GuardFailed as exc:  # e.g. a one-character reason
        form.reason.errors = exc.problems
        return _show(page, form, 422)
    return _show(page, form, revealed_id=number)


@bp.get("/cases/<int:case_id>/call")
def call(case_id):
    """Dial the person's mobile: the page only links here, so the number never shows in it."""
    case = case_or_404(case_id)
    phone = phone_to_call(case.id)
    if phone is None:
        flash(_("未登记手机号码，无法拨打"), "error")
        return redirect(url_for("cases.show", case_id=case.id))
    return redirect(f"tel:{phone}")


@bp.post("/cases/<int:case_id>/member-reminders")
def member_reminders(case_id):
    """A party member opts out of the 组织生活 reminders, or back in."""
    case = case_or_404(case_id)
    form = BaseForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        found_or_404(set_member_reminders, case, g.user, receive=request.form.get("receive") == "1")
    except NotAllowed as exc:
        return render_template("error.html", code=403, message=exc.message), 403
    flash(_("已更新组织生活提醒设置"), "success")
    return redirect(url_for("cases.show", case_id=case.id))
