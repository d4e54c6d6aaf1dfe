"""Download the 台账 of the current filter as an Excel workbook (audited)."""

import io

from flask import abort, g, request, send_file
from flask_babel import gettext as _

from forms.ledger import ExportForm
from forms.reassign import reassign_form
from web.supervisor.cases import render_list
from web.supervisor.helpers import current_filter
from workflow.db import utcnow
from workflow.errors import NotAllowed
from workflow.reports import ledger
from workflow.reports.link_health import local_zone

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export():
    """Send the workbook; full ID numbers and phones only when ticked on purpose."""
    form = ExportForm()
    case_filter, now = current_filter(request.form), utcnow()
    if not form.validate_on_submit():  # CSRF, and a reason when full values are asked for
        return render_list(case_filter, reassign_form(g.user, formdata=None), [], status=422, export=form)
    try:
        data, _count = ledger.export(case_filter, g.user, now, full=form.full.data,
                                     reason=form.reason.data, address=request.remote_addr)
    except NotAllowed as exc:
        abort(403, exc.message)
    stamp = now.astimezone(local_zone()).strftime("%Y%m%d-%H%M")
    name = _("台账-%(unit)s-%(t)s.xlsx", unit=case_filter.unit.name, t=stamp)
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=name)
