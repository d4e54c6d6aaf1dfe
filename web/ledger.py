"""Download the 台账 of the current filter as an Excel workbook (audited)."""

import io

from flask import g, request, send_file
from flask_babel import gettext as _

from forms.ledger import ExportForm
from web.supervisor import blueprint, current_filter
from workflow import ledger
from workflow.db import utcnow
from workflow.link_health import local_zone

bp = blueprint("ledger", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.post("/ledger.xlsx")
def export():
    """Send the workbook; full ID numbers and phones only when ticked on purpose."""
    form = ExportForm()  # CSRF is checked before the view runs
    case_filter, now = current_filter(request.form), utcnow()
    data, _count = ledger.export(case_filter, g.user, now, full=form.full.data, address=request.remote_addr)
    stamp = now.astimezone(local_zone()).strftime("%Y%m%d-%H%M")
    name = _("台账-%(unit)s-%(t)s.xlsx", unit=case_filter.unit.name, t=stamp)
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=name)
