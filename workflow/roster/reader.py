"""Read a 摸底名单 (roster) from .xlsx or .csv into plain rows, by its Chinese headers.

A hostile file must not hold a web worker: an .xlsx is measured from its zip directory
before any XML is read, both formats are read as a stream of rows under the ROSTER_MAX_*
limits (rows, columns, cells, seconds; docs/security.md), and the first limit passed
stops the reading with a Chinese reason.
"""

import csv
import io
from dataclasses import dataclass, field

from flask_babel import gettext as _

from workflow.roster import xlsx
from workflow.roster.limits import Budget, Limits, RosterFileError

# field -> the header texts people use for it (the first row that names the required
# columns is the header; title rows above it are skipped).
HEADERS = {
    "name": ("姓名",),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "身份证"),
    "unit": ("所属组织", "所属支部", "党支部", "支部", "党组织", "所属网格"),
    "phone": ("手机号码", "手机号", "手机", "联系电话", "电话"),
    "member": ("是否党员", "党员", "政治面貌"),
    "address": ("原住址", "住址", "原地址", "家庭住址"),
    # Households (户): rows of one 户号, or of one 户主身份证号, form one household.
    "household_number": ("户号", "拆迁户号", "户编号"),
    "head_id": ("户主身份证号", "户主身份证号码"),
}
REQUIRED = ("name", "id_number", "unit")
HEADER_SEARCH = 10  # rows looked at for the header


@dataclass
class RawRow:
    number: int  # the row number as the spreadsheet shows it
    values: dict = field(default_factory=dict)  # field -> text


def read(filename, data, limits=None):
    """Return the roster's rows (blank rows dropped) or raise RosterFileError."""
    limits = limits or Limits.configured()
    budget = Budget(limits)
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        table = xlsx.rows(data, budget)
    elif name.endswith(".csv"):
        table = _csv_rows(data, budget)
    else:
        raise RosterFileError(_("只能导入 .xlsx 或 .csv 文件"))
    return _to_rows(table, limits.rows)


def _csv_rows(data, budget):
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RosterFileError(_("无法识别CSV文件的编码，请另存为UTF-8"))
    limit = budget.limits.line_chars
    try:
        for index, row in enumerate(csv.reader(_lines(io.StringIO(text, newline=""), limit)), 1):
            budget.spend(max(len(row), 1))
            if any(len(v) > limit for v in row):  # a quoted value running over many lines
                raise _too_long(limit)
            cells = [v.strip() for v in row]
            budget.column(_width(cells))
            yield index, cells
    except csv.Error:
        raise RosterFileError(_("CSV文件格式错误，无法读取")) from None


def _lines(source, limit):
    """The lines of a text, refusing one longer than limit before csv splits it."""
    for line in source:
        if len(line) > limit:
            raise _too_long(limit)
        yield line


def _too_long(limit):
    return RosterFileError(_("CSV文件中有一行超过%(n)s个字符，请检查文件内容", n=limit))


def _width(cells):
    """The number of columns up to the last one with a value."""
    width = len(cells)
    while width and not cells[width - 1]:
        width -= 1
    return width


def _columns(cells):
    """Map field -> column index when this row names every required column, else None."""
    found = {}
    for index, cell in enumerate(cells):
        text = cell.replace(" ", "").replace("*", "")
        for key, names in HEADERS.items():
            if key not in found and text in names:
                found[key] = index
    return found if all(k in found for k in REQUIRED) else None


def _to_rows(table, max_rows):
    columns, rows = None, []
    for number, cells in table:
        if columns is None:
            if number > HEADER_SEARCH:
                break
            columns = _columns(cells)
            continue
        if not any(cells):
            continue
        rows.append(RawRow(number, {k: cells[i] if i < len(cells) else "" for k, i in columns.items()}))
        if len(rows) > max_rows:
            raise RosterFileError(_("名单超过%(n)s行，请分批导入", n=max_rows))
    if columns is None:
        raise RosterFileError(_("没有找到表头：需要“姓名”“身份证号”“所属组织”三列"))
    if not rows:
        raise RosterFileError(_("名单中没有数据行"))
    return rows
