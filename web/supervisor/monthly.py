"""The monthly report upward: the draft, 上报, the copies, the units below, 退回 (docs/reports.md)."""

import io

from flask import abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from forms.monthly import SendBackReportForm, SubmitReportForm
from workflow.db import utcnow
from workflow.errors import NotAllowed
from workflow.reports.monthly import export as report_export
from workflow.reports.monthly import figures, overview, periods, submission

MIMETYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "csv": "text/csv; charset=utf-8"}


def index(submit_form=None, back_form=None, back_id=None, status=200):
    """The report of the viewer's unit for ?period= (last month when absent)."""
    key = request.args.get("period") or request.view_args.get("period")
    try:
        found = overview.overview(g.user.org_unit, key, utcnow())
    except periods.PeriodError as exc:
        flash(exc.message, "error")
        return render_template("supervisor/monthly.html", found=None, typed=key), 400
    return render_template(
        "supervisor/monthly.html", found=found, typed=found.period.key, spans=figures.template().header_spans(),
        submit_form=submit_form or SubmitReportForm(formdata=None), back_form=back_form,
        back_id=back_id, blank_back=SendBackReportForm(formdata=None), now=utcnow(),
    ), status


def submit(period):
    """上报: freeze the report as drawn now, with the note."""
    form = SubmitReportForm()
    if not form.validate_on_submit():
        return index(submit_form=form, status=400)
    try:
        copy = submission.submit(g.user.org_unit, periods.parse(period, utcnow()), g.user, form.note.data,
                                 utcnow(), address=request.remote_addr)
    except (NotAllowed, periods.PeriodError) as exc:
        flash(exc.message, "error")
        return index(submit_form=form, status=400)
    flash(_("已上报%(period)s报表（第%(v)s版）", period=periods.parse(period, utcnow()).label(), v=copy.version),
          "success")
    return redirect(url_for("supervisor.monthly", period=period))


def send_back(report_id):
    """退回: the level above returns a unit's latest copy with a reason."""
    form = SendBackReportForm()
    period = request.form.get("period", "")
    if not overview.may_see_copy(report_id, g.user):
        abort(404)
    if not form.validate_on_submit():
        request.view_args["period"] = period
        return index(back_form=form, back_id=report_id, status=400)
    try:
        copy = submission.send_back(report_id, g.user, form.reason.data, utcnow(), address=request.remote_addr)
    except LookupError:
        abort(404)
    except NotAllowed as exc:
        flash(exc.message, "error")
        return redirect(url_for("supervisor.monthly", period=period))
    flash(_("已退回%(unit)s的报表，原因已告知", unit=copy.unit.name), "success")
    return redirect(url_for("supervisor.monthly", period=copy.period))


def cases(period):
    """The cases behind one number of the draft: ?column=&unit= (no unit: the total)."""
    unit_id = request.args.get("unit", type=int)
    try:
        found = figures.cases_for(g.user.org_unit, period, request.args.get("column", ""), unit_id, utcnow())
    except (LookupError, periods.PeriodError):
        abort(404)
    return render_template("supervisor/monthly_cases.html", found=found, period=period)


def copy(report_id):
    """One submitted copy as frozen: its figures, who submitted when, the changes from the version before."""
    try:
        found = overview.frozen_copy(report_id, g.user)
    except LookupError:
        abort(404)
    return render_template("supervisor/monthly_copy.html", found=found)


def export(report_id, fmt):
    """A submitted copy as Excel or CSV (audited)."""
    try:
        data, name = report_export.export_copy(report_id, g.user, fmt, utcnow(), address=request.remote_addr)
    except LookupError:
        abort(404)
    return send_file(io.BytesIO(data), mimetype=MIMETYPES[fmt], as_attachment=True, download_name=name)


def export_draft(period, fmt):
    """The draft of the viewer's unit as Excel or CSV (audited)."""
    try:
        data, name = report_export.export_draft(g.user.org_unit, period, g.user, fmt, utcnow(),
                                                address=request.remote_addr)
    except (LookupError, periods.PeriodError):
        abort(404)
    return send_file(io.BytesIO(data), mimetype=MIMETYPES[fmt], as_attachment=True, download_name=name)
