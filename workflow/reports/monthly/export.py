"""The report as Excel in the template's layout (A4 landscape) and as CSV; every export audited.

A submitted copy is exported from its frozen figures, with who submitted it when; the
draft is drawn as of the period's end and says it is a draft.
"""

import csv
import io

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from workflow.db import db
from workflow.models.audit import record
from workflow.reports.monthly import figures, overview, periods
from workflow.reports.monthly.figures import column_label
from workflow.reports.monthly.template import header_spans
from workflow.text import label

FORMATS = ("xlsx", "csv")
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def export_copy(report_id, viewer, fmt, now, address=None):
    """Return (bytes, file name) of a submitted copy; LookupError when unknown or not the viewer's."""
    report = overview.frozen_copy(report_id, viewer).report
    period = periods.parse(report.period, now)
    status = _("上报人：%(name)s（%(username)s），上报时间：%(t)s，第%(v)s版", name=report.submitted_by.display_name,
               username=report.submitted_by.username, t=_local(report.submitted_at), v=report.version)
    if report.status == "returned":
        status += _("（已退回：%(r)s）", r=report.return_reason)
    sheet = _Sheet(report.unit.name, period, status, report.figures)
    return _finish(sheet, fmt, viewer, now, address, report.org_unit_id, version=report.version)


def export_draft(unit, period_key, viewer, fmt, now, address=None):
    """Return (bytes, file name) of the draft of unit's report; a bad period raises PeriodError."""
    period = periods.parse(period_key, now)
    status = _("草稿（未上报），按期末历史记录统计；导出人：%(name)s，导出时间：%(t)s",
               name=viewer.display_name, t=_local(now))
    sheet = _Sheet(unit.name, period, status, figures.draw(unit, period).frozen())
    return _finish(sheet, fmt, viewer, now, address, unit.id, version=None)


class _Sheet:
    def __init__(self, unit_name, period, status, frozen):
        self.unit_name, self.period, self.status = unit_name, period, status
        self.columns, self.rows, self.total = frozen["columns"], frozen["rows"], frozen["total"]
        self.spans = header_spans(self.columns, frozen.get("groups", {}))
        self.title = label(_template_title())


def _template_title():
    t = figures.template()
    return (t.zh, t.en)


def _local(instant):
    return instant.astimezone(periods.zone()).strftime("%Y-%m-%d %H:%M")


def _finish(sheet, fmt, viewer, now, address, unit_id, version):
    if fmt not in FORMATS:
        raise LookupError(fmt)
    data = _xlsx(sheet) if fmt == "xlsx" else _csv(sheet)
    record("monthly_report_export", user=viewer, address=address, unit_id=unit_id, period=sheet.period.key,
           version=version, format=fmt, rows=len(sheet.rows))
    db.session.commit()
    name = f"{sheet.unit_name}-{sheet.period.key}-" + (_("第%(v)s版", v=version) if version else _("草稿"))
    return data, f"{name}.{fmt}"


def _text_safe(value):
    """Keep text from being read as a formula by Excel (=, +, -, @ first)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _xlsx(sheet):
    book = Workbook()
    ws = book.active
    ws.title = sheet.period.key
    width = len(sheet.columns) + 1
    for line, (text, font) in enumerate([(sheet.title, Font(bold=True, size=14)),
                                         (_("单位：%(u)s　　期间：%(p)s", u=sheet.unit_name, p=sheet.period.label()), None),
                                         (sheet.status, None)], 1):
        ws.cell(line, 1, _text_safe(text)).font = font or Font()
        ws.merge_cells(start_row=line, start_column=1, end_row=line, end_column=width)
    ws.cell(1, 1).alignment = CENTER
    top = 5
    _header(ws, sheet, top)
    for n, row in enumerate([*sheet.rows, {"name": _("合计"), "cells": sheet.total}], top + 2):
        ws.cell(n, 1, _text_safe(row["name"]))
        for i, column in enumerate(sheet.columns, 2):
            ws.cell(n, i, row["cells"].get(column["key"], 0))
    for i in range(1, width + 1):  # the total, last
        ws.cell(top + 2 + len(sheet.rows), i).font = Font(bold=True)
    for line in ws.iter_rows(min_row=top, max_row=top + 2 + len(sheet.rows), max_col=width):
        for cell in line:
            cell.border = BOX
    ws.column_dimensions["A"].width = 22
    for i in range(2, width + 1):
        ws.column_dimensions[get_column_letter(i)].width = 9
    _print_setup(ws, top)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _header(ws, sheet, top):
    """Two header rows: a merged group over its columns, a lone column merged downwards."""
    ws.cell(top, 1, _("单位"))
    ws.merge_cells(start_row=top, start_column=1, end_row=top + 1, end_column=1)
    col = 2
    for group, cols in sheet.spans:
        if group is None:
            for c in cols:
                ws.cell(top, col, column_label(c))
                ws.merge_cells(start_row=top, start_column=col, end_row=top + 1, end_column=col)
                col += 1
            continue
        ws.cell(top, col, label(group))
        ws.merge_cells(start_row=top, start_column=col, end_row=top, end_column=col + len(cols) - 1)
        for c in cols:
            ws.cell(top + 1, col, column_label(c))
            col += 1
    for line in ws.iter_rows(min_row=top, max_row=top + 1):
        for cell in line:
            cell.font, cell.alignment = Font(bold=True), CENTER


def _print_setup(ws, top):
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{top}:{top + 1}"


def _csv(sheet):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_text_safe(sheet.title)])
    writer.writerow([_text_safe(_("单位：%(u)s", u=sheet.unit_name)), sheet.period.label()])
    writer.writerow([_text_safe(sheet.status)])
    groups = {c["key"]: label(g) for g, cols in sheet.spans if g for c in cols}
    writer.writerow([_("单位")] + [f"{groups[c['key']]}-{column_label(c)}" if c["key"] in groups else column_label(c)
                                   for c in sheet.columns])
    for row in [*sheet.rows, {"name": _("合计"), "cells": sheet.total}]:
        writer.writerow([_text_safe(row["name"])] + [row["cells"].get(c["key"], 0) for c in sheet.columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes Excel read it as UTF-8
