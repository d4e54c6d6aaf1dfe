"""The audit trail of the subtree: who did what to which case, filterable."""

from datetime import UTC, datetime, time, timedelta

from flask import abort, g, render_template, request

from forms.audit import AuditFilterForm
from web.supervisor.helpers import page_number
from workflow.cases.services import load_case
from workflow.errors import CaseNotFound
from workflow.reports import audit
from workflow.reports.link_health import local_zone

PER_PAGE = 50


def index():
    """List audit events and history rows, newest first, filtered by user, case and dates."""
    form = AuditFilterForm(request.args)
    users = audit.users_in(g.user)
    form.user.choices = [("", "—")] + [(u.id, f"{u.display_name}（{u.username}）") for u in users]
    valid = form.validate()
    query = audit.Query()
    if valid:
        query = _query(form)
    page = page_number()
    entries, has_more = audit.entries(g.user, query, PER_PAGE, (page - 1) * PER_PAGE) if valid else ([], False)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("supervisor/audit.html", form=form, entries=entries, page=page, has_more=has_more,
                           args=args, action_label=audit.action_label, detail_text=audit.detail_text,
                           ), 200 if valid else 400


def _query(form):
    """Turn the form into a query; a case outside the subtree is a 404, like everywhere.

    A user outside the subtree is not among the choices, so the form refuses it (400).
    """
    if form.case.data:
        try:
            load_case(form.case.data, g.user)
        except CaseNotFound:
            abort(404)
    return audit.Query(user_id=form.user.data, case_id=form.case.data,
                       since=_start_of(form.since.data), before=_start_of(form.until.data, 1))


def _start_of(day, plus_days=0):
    """The first instant (aware UTC) of a local day, plus some days; None for no day."""
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=plus_days), time(), tzinfo=local_zone()).astimezone(UTC)
