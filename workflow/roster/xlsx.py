"""Read the first worksheet of an .xlsx as a stream of rows, within a Budget.

The archive is refused by its zip directory alone (declared sizes, compression ratio)
before any XML is read; the XML is fed to expat a chunk at a time with no DTD (so no
entity expansion), and a sheet whose <dimension> passes the cell limit stops at once.
"""

import functools
import io
import zipfile
from pyexpat import ExpatError, ParserCreate

from flask_babel import gettext as _

from workflow.roster.limits import MB, RosterFileError

RATIO_FLOOR = MB  # smaller zip members are harmless whatever their compression ratio
CHUNK = 64 * 1024  # bytes of XML parsed between two looks at the budget
# Element names as expat reports them with namespace_separator=" ".
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main "
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships "
R_ID = "http://schemas.openxmlformats.org/officeDocument/2006/relationships id"
CELL, ROW, VALUE, TEXT, SI, PHONETIC = (MAIN + t for t in ("c", "row", "v", "t", "si", "rPh"))
DIMENSION = MAIN + "dimension"


class _Enough(Exception):
    """A handler has what it needs from its part: stop parsing it."""


def _unreadable():
    return RosterFileError(_("无法读取该Excel文件，请确认是 .xlsx 格式"))


def rows(data, budget):
    """Yield (row number, cell texts) of the first worksheet, within the budget."""
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


def _text(value):
    """A cell as trimmed text; whole numbers (IDs typed as numbers) without ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()
