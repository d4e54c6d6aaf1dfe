"""流动党员 for supervisors: tiles, the table and chart by situation and destination, the lists
behind every number, the 活动证 register, each exportable as the 台账 (masked, audited)."""

import io

from flask import abort, g, render_template, request, send_file
from flask_babel import gettext as _

from forms.base import BaseForm
from forms.fields import parse_id
from web.worker import mobility_text
from workflow.db import utcnow
from workflow.errors import CaseNotFound
from workflow.mobility.clocks import local_day
from workflow.mobility.places import PROVINCES
from workflow.mobility.policy import get_policy
from workflow.reports import mobility_board
from workflow.text import label

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _unit(args):
    raw = args.get("unit")
    ident = parse_id(raw) if raw else None
    if raw and ident is None:
        abort(404)
    try:
        return mobility_board.scope_unit(g.user, ident)
    except CaseNotFound:
        abort(404)


def _selection(args):
    """The list a number links to: a tile's bucket and/or a (situation, province, city) cell."""
    bucket, situation = args.get("bucket") or None, args.get("situation") or None
    province, city = args.get("province"), args.get("city")
    if bucket is not None and bucket not in mobility_board.BUCKETS:
        abort(404)
    if situation is not None and situation not in get_policy().situations:
        abort(404)
    if province not in (None, "") and province not in PROVINCES:
        abort(404)
    if city is not None and len(city) > 50:
        abort(404)
    return {"bucket": bucket, "situation": situation, "province": province, "city": city}


def _describe(selection):
    parts = []
    if selection["bucket"]:
        parts.append(label(mobility_board.BUCKETS[selection["bucket"]]))
    if selection["situation"]:
        parts.append(mobility_text.situation_label(get_policy(), selection["situation"]))
    if selection["province"] is not None or selection["city"] is not None:
        parts.append(mobility_text.place(selection["province"], selection["city"]) or _("未登记去向"))
    return " · ".join(parts) or _("全部党员")


def index():
    """The tiles and the table by situation and destination city, for the chosen unit."""
    now, unit = utcnow(), _unit(request.args)
    return render_template("supervisor/mobility.html", board=mobility_board.board(unit.path, now), unit=unit,
                           buckets=mobility_board.BUCKETS, policy=get_policy(), mt=mobility_text, now=now)


def cases():
    """Exactly the members a number on the 流动党员 page counts."""
    now, unit, selection = utcnow(), _unit(request.args), _selection(request.args)
    rows = mobility_board.chosen(unit.path, now, **selection)
    args = {k: v for k, v in {**selection, "unit": unit.id}.items() if v is not None}
    return render_template("supervisor/mobility_cases.html", rows=rows, unit=unit, describe=_describe(selection),
                           args=args, policy=get_policy(), mt=mobility_text, today=local_day(now), form=BaseForm())


def export():
    """The 台账 of exactly that list, as an Excel workbook."""
    if not BaseForm().validate_on_submit():
        abort(400)
    now, unit, selection = utcnow(), _unit(request.form), _selection(request.form)
    describe = _describe(selection)
    data, _count = mobility_board.export_members(mobility_board.chosen(unit.path, now, **selection), g.user, now,
                                                 address=request.remote_addr, describe=describe)
    name = _("流动党员台账-%(unit)s-%(t)s.xlsx", unit=unit.name, t=local_day(now).strftime("%Y%m%d"))
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=name)


def certificates():
    """The 活动证 register of the unit's subtree."""
    now, unit = utcnow(), _unit(request.args)
    return render_template("supervisor/certificates.html", rows=mobility_board.certificates(unit.path), unit=unit,
                           mt=mobility_text, today=local_day(now), form=BaseForm(),
                           lead=get_policy().reminders["certificate_lead_days"])


def certificates_export():
    """The 活动证 register as an Excel workbook, to file with the upper level."""
    if not BaseForm().validate_on_submit():
        abort(400)
    now, unit = utcnow(), _unit(request.form)
    data, _count = mobility_board.export_certificates(unit.path, g.user, now, address=request.remote_addr)
    name = _("活动证登记簿-%(unit)s-%(t)s.xlsx", unit=unit.name, t=local_day(now).strftime("%Y%m%d"))
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=name)
