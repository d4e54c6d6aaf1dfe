"""The supervisor's case list: exactly the cases behind a dashboard number, to act on."""

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from forms.ledger import ExportForm
from forms.reassign import reassign_form
from web.supervisor.helpers import current_filter, page_number, selected_ids
from workflow.cases.reassign import reassign_many
from workflow.db import utcnow
from workflow.process.engine import get_engine
from workflow.reports import caselist
from workflow.reports.filters import BUCKET_LABELS


def index():
    """List the filtered cases, the most overdue first, with reassign and export forms."""
    return render_list(current_filter(), reassign_form(g.user, formdata=None), [])


def render_list(case_filter, form, checked, status=200, export=None):
    """Draw the list page of a filter, with the given reassign (and export) form."""
    now = utcnow()
    page = page_number()
    per_page = current_app.config["CASES_PER_PAGE"]
    found = caselist.page(case_filter, g.user, now, limit=per_page, offset=(page - 1) * per_page)
    return render_template(
        "supervisor/cases.html", rows=found.rows, total=found.total, page=page,
        has_next=page * per_page < found.total, case_filter=case_filter, now=now, reassign=form, checked=checked,
        export=export or ExportForm(formdata=None), args=case_filter.args(), units=found.units,
        states=list(get_engine().definition.states), buckets=BUCKET_LABELS, households=found.households,
    ), status


def reassign():
    """Reassign the ticked cases to one worker; say per case what happened."""
    case_filter = current_filter(request.form)
    form, ids = reassign_form(g.user), selected_ids()
    valid = form.validate_on_submit()
    if not ids:
        form.form_errors.append(_("请先勾选要改派的案件"))
    if not valid or not ids:
        return render_list(case_filter, form, ids, 400)
    worker, outcomes = reassign_many(ids, form.to_worker.data, g.user, note=form.note.data)
    done = [o for o in outcomes if o.ok]
    if done:
        flash(_("已将%(n)s件改派给%(name)s", n=len(done), name=worker.display_name), "success")
    for o in outcomes:
        if not o.ok:
            flash(f"{o.name}：{o.message}", "error")
    return redirect(url_for("supervisor.cases", **case_filter.args()))
