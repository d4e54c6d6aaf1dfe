"""Read a 摸底名单 (roster) from .xlsx or .csv into plain rows, by its Chinese headers."""

import csv
import io
import zipfile
from dataclasses import dataclass, field

from flask_babel import gettext as _
from openpyxl import load_workbook

# field -> the header texts people use for it (the first row that names the required
# columns is the header; title rows above it are skipped).
HEADERS = {
    "name": ("姓名",),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "身份证"),
    "unit": ("所属组织", "所属支部", "党支部", "支部", "党组织", "所属网格"),
    "phone": ("手机号码", "手机号", "手机", "联系电话", "电话"),
    "member": ("是否党员", "党员", "政治面貌"),
    "address": ("原住址", "住址", "原地址", "家庭住址"),
}
REQUIRED = ("name", "id_number", "unit")
MAX_ROWS = 20000
HEADER_SEARCH = 10  # rows looked at for the header


class RosterFileError(ValueError):
    """The file cannot be read as a roster; str() says why, in Chinese."""


@dataclass
class RawRow:
    number: int  # the row number as the spreadsheet shows it
    values: dict = field(default_factory=dict)  # field -> text


def read(filename, data):
    """Return the roster's rows (blank rows dropped) or raise RosterFileError."""
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        table = _xlsx_rows(data)
    elif name.endswith(".csv"):
        table = _csv_rows(data)
    else:
        raise RosterFileError(_("只能导入 .xlsx 或 .csv 文件"))
    return _to_rows(table)


def _xlsx_rows(data):
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise RosterFileError(_("无法读取该Excel文件，请确认是 .xlsx 格式")) from None
    try:
        sheet = book.worksheets[0]
        for index, row in enumerate(sheet.iter_rows(values_only=True), 1):
            yield index, [_text(v) for v in row]
    finally:
        book.close()


def _csv_rows(data):
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RosterFileError(_("无法识别CSV文件的编码，请另存为UTF-8"))
    for index, row in enumerate(csv.reader(io.StringIO(text)), 1):
        yield index, [_text(v) for v in row]


def _text(value):
    """A cell as trimmed text; whole numbers (IDs typed as numbers) without ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _columns(cells):
    """Map field -> column index when this row names every required column, else None."""
    found = {}
    for index, cell in enumerate(cells):
        text = cell.replace(" ", "").replace("*", "")
        for key, names in HEADERS.items():
            if key not in found and text in names:
                found[key] = index
    return found if all(k in found for k in REQUIRED) else None


def _to_rows(table):
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
        if len(rows) > MAX_ROWS:
            raise RosterFileError(_("名单超过%(n)s行，请分批导入", n=MAX_ROWS))
    if columns is None:
        raise RosterFileError(_("没有找到表头：需要“姓名”“身份证号”“所属组织”三列"))
    if not rows:
        raise RosterFileError(_("名单中没有数据行"))
    return rows
