"""Read a 摸底名单 (roster) from .xlsx or .csv into plain rows, by its Chinese headers.

A hostile file must not hold a web worker: an .xlsx is measured from its zip directory
before any XML is read, both formats are read as a stream of rows under the ROSTER_MAX_*
limits (rows, columns, cells, seconds; docs/security.md), and the first limit passed
stops the reading with a Chinese reason.
"""

import csv
import functools
import io
import time
import zipfile
from dataclasses import dataclass, field, fields
from pyexpat import ExpatError, ParserCreate

from flask import current_app, has_app_context
from flask_babel import gettext as _

from workflow.settings import DEFAULTS

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
HEADER_SEARCH = 10  # rows looked at for the header
MB = 1024 * 1024
RATIO_FLOOR = MB  # smaller zip members are harmless whatever their compression ratio
CHUNK = 64 * 1024  # bytes of XML parsed between two looks at the budget
# Element names as expat reports them with namespace_separator=" ".
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main "
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships "
R_ID = "http://schemas.openxmlformats.org/officeDocument/2006/relationships id"
CELL, ROW, VALUE, TEXT, SI, PHONETIC = (MAIN + t for t in ("c", "row", "v", "t", "si", "rPh"))
DIMENSION = MAIN + "dimension"


class RosterFileError(ValueError):
    """The file cannot be read as a roster; str() says why, in Chinese."""


class _Enough(Exception):
    """A handler has what it needs from its part: stop parsing it."""


@dataclass
class RawRow:
    number: int  # the row number as the spreadsheet shows it
    values: dict = field(default_factory=dict)  # field -> text


@dataclass(frozen=True)
class Limits:
    """What one upload may cost; each is the setting ROSTER_MAX_<NAME>."""

    rows: int
    columns: int
    cells: int
    seconds: float
    unpacked_bytes: int
    zip_ratio: int
    line_chars: int

    @classmethod
    def configured(cls):
        config = current_app.config if has_app_context() else DEFAULTS
        return cls(**{f.name: config[f"ROSTER_MAX_{f.name.upper()}"] for f in fields(cls)})


class Budget:
    """Counts the cells read and the time spent; raises at the first limit passed."""

    def __init__(self, limits):
        self.limits, self.cells = limits, 0
        self.deadline = time.monotonic() + limits.seconds

    def spend(self, cells=1):
        self.cells += cells
        if self.cells > self.limits.cells:
            raise RosterFileError(_("名单超过%(n)s个单元格，请分批导入", n=self.limits.cells))
        if time.monotonic() > self.deadline:
            raise RosterFileError(_("名单读取超过%(n)s秒，请删去多余内容或分批导入", n=self.limits.seconds))

    def column(self, number):
        """Refuse a value in a column (1-based) past the column limit."""
        if number > self.limits.columns:
            raise RosterFileError(_("名单超过%(n)s列，请删去多余的列", n=self.limits.columns))


def read(filename, data, limits=None):
    """Return the roster's rows (blank rows dropped) or raise RosterFileError."""
    limits = limits or Limits.configured()
    budget = Budget(limits)
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        table = _xlsx_rows(data, budget)
    elif name.endswith(".csv"):
        table = _csv_rows(data, budget)
    else:
        raise RosterFileError(_("只能导入 .xlsx 或 .csv 文件"))
    return _to_rows(table, limits.rows)


def _unreadable():
    return RosterFileError(_("无法读取该Excel文件，请确认是 .xlsx 格式"))


def _xlsx_rows(data, budget):
    try:
        archive = _open_zip(data, budget.limits)
        with archive:
            sheet, strings_part = _parts(archive, budget)
            strings = _shared_strings(archive, strings_part, budget) if strings_part else []
            yield from _parse_rows(archive, sheet, SheetHandler(strings, budget), budget)
    except RosterFileError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, RuntimeError, NotImplementedError, ExpatError):
        # RuntimeError: an encrypted member; NotImplementedError: an unknown compression
        raise _unreadable() from None


def _open_zip(data, limits):
    """Open the archive and refuse it by its directory alone: declared sizes and ratios.

    zipfile never inflates a member past its declared size (and a wrong CRC fails), so
    the directory bounds what reading can produce.
    """
    archive = zipfile.ZipFile(io.BytesIO(data))
    members = archive.infolist()
    if sum(m.file_size for m in members) > limits.unpacked_bytes:
        archive.close()
        raise RosterFileError(_("Excel文件解压后超过%(n)sMB，请分批导入", n=limits.unpacked_bytes // MB))
    for member in members:
        if member.file_size > RATIO_FLOOR and member.file_size > limits.zip_ratio * max(member.compress_size, 1):
            archive.close()
            raise RosterFileError(_("Excel文件的压缩比异常（超过%(n)s倍），无法导入", n=limits.zip_ratio))
    return archive


def _parts(archive, budget):
    """The paths of the first worksheet and of the shared strings (or None)."""
    workbook = _collect(archive, "xl/workbook.xml", MAIN + "sheet", budget, first=True)
    rels = _collect(archive, "xl/_rels/workbook.xml.rels", PACKAGE + "Relationship", budget)
    targets = {r.get("Id"): (r.get("Type", ""), r.get("Target", "")) for r in rels}
    if not workbook or workbook[0].get(R_ID) not in targets:
        raise _unreadable()
    strings = [t for kind, t in targets.values() if kind.endswith("/sharedStrings")]
    return _path(targets[workbook[0][R_ID]][1]), _path(strings[0]) if strings else None


def _path(target):
    """A relationship target as a path in the archive (relative to xl/ unless absolute)."""
    return target.lstrip("/") if target.startswith("/") else "xl/" + target


def _collect(archive, name, tag, budget, first=False):
    """The attributes of every <tag> element of a part; first: stop at the first."""
    found = []

    class Handler(Expat):
        def start(self, name, attrs):
            if name == tag:
                found.append(attrs)
                if first:
                    raise _Enough

    for _rows in _parse_rows(archive, name, Handler(), budget):
        pass
    return found


def _shared_strings(archive, name, budget):
    handler = StringsHandler(budget)
    for _rows in _parse_rows(archive, name, handler, budget):
        pass
    return handler.strings


def _parse_rows(archive, name, handler, budget):
    """Feed a part to the handler a chunk at a time; yield the rows it completed."""
    parser = ParserCreate(namespace_separator=" ")
    parser.buffer_text = True  # one text call per value, not one per line or entity
    parser.StartElementHandler, parser.EndElementHandler = handler.start, handler.end
    parser.CharacterDataHandler = handler.text
    parser.StartDoctypeDeclHandler = _no_doctype  # no entities, so no entity expansion
    try:
        with archive.open(name) as part:
            while chunk := part.read(CHUNK):
                parser.Parse(chunk, False)
                budget.spend(0)
                yield from handler.take()
            parser.Parse(b"", True)
    except _Enough:
        return
    yield from handler.take()


def _no_doctype(*_args):
    raise RosterFileError(_("Excel文件含有不允许的内容（DTD），无法导入"))


class Expat:
    """Callbacks of one part's parser; take() hands over the rows completed so far."""

    def __init__(self):
        self.done = []

    def start(self, name, attrs):
        pass

    def end(self, name):
        pass

    def text(self, data):
        pass

    def take(self):
        rows, self.done = self.done, []
        return rows


class StringsHandler(Expat):
    """xl/sharedStrings.xml: the text of each <si>, phonetic runs (<rPh>) left out."""

    def __init__(self, budget):
        super().__init__()
        self.budget, self.strings, self.parts, self.in_text, self.phonetic = budget, [], [], False, 0

    def start(self, name, attrs):
        self.phonetic += name == PHONETIC
        self.in_text = name == TEXT and not self.phonetic

    def end(self, name):
        self.phonetic -= name == PHONETIC
        self.in_text = False
        if name == SI:
            self.budget.spend()
            self.strings.append("".join(self.parts))
            self.parts = []

    def text(self, data):
        if self.in_text:
            self.parts.append(data)


class SheetHandler(Expat):
    """A worksheet: rows of cell texts, checked against the budget cell by cell."""

    def __init__(self, strings, budget):
        super().__init__()
        self.strings, self.budget = strings, budget
        self.number, self.row, self.cell, self.parts, self.in_value = 0, [], None, [], False

    def start(self, name, attrs):
        if name == CELL:
            self.budget.spend()
            reference = attrs.get("r")
            self.cell = (_column(reference) if reference else len(self.row) + 1, attrs.get("t", "n"))
            self.parts = []
        elif (name == VALUE or name == TEXT) and self.cell is not None:
            self.in_value = True
        elif name == ROW:
            self.budget.spend()
            self.number = int(attrs["r"]) if "r" in attrs else self.number + 1
            self.row = []
        elif name == DIMENSION:
            self._check_dimension(attrs.get("ref", ""))

    def end(self, name):
        self.in_value = False
        if name == CELL and self.cell is not None:
            self._place(*self.cell, "".join(self.parts))
            self.cell = None
        elif name == ROW:
            self.done.append((self.number, self.row))

    def text(self, data):
        if self.in_value:
            self.parts.append(data)

    def _place(self, number, kind, raw):
        value = _text(self._value(kind, raw))
        if not value:
            return
        self.budget.column(number)
        self.row.extend([""] * (number - len(self.row)))
        self.row[number - 1] = value

    def _value(self, kind, raw):
        if kind == "s":
            index = int(raw or -1)
            return self.strings[index] if 0 <= index < len(self.strings) else ""
        if kind == "n" and raw:
            return float(raw) if "." in raw or "e" in raw or "E" in raw else int(raw)
        return raw  # inlineStr, str (a formula's text), b, e, d

    def _check_dimension(self, ref):
        """A sheet that says it is larger than the cell limit is refused before its rows."""
        first, _sep, last = ref.partition(":")
        if not last:
            return
        rows = _row(last) - _row(first) + 1
        columns = _column(last) - _column(first) + 1
        if rows * columns > self.budget.limits.cells:
            raise RosterFileError(_("名单超过%(n)s个单元格，请分批导入", n=self.budget.limits.cells))


def _column(reference):
    """The 1-based column of a cell reference such as "AB12"."""
    return _column_number(reference.rstrip("0123456789"))


@functools.lru_cache(maxsize=1024)
def _column_number(letters):
    letters = letters.upper()
    if not ("A" <= letters[:1] <= "Z" and letters.isascii() and letters.isalpha()):
        raise ValueError(letters)  # not a cell reference: the file is unreadable
    number = 0
    for letter in letters[:4]:  # XFD is the last column Excel has; longer is garbage
        number = number * 26 + ord(letter) - 64
    return number


def _row(reference):
    digits = "".join(c for c in reference if c.isdigit())[:8]
    return int(digits or 1)


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
            cells = [_text(v) for v in row]
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
