"""Read and check the report template (workflow/monthly_report.toml); errors name file:line."""

import re
import tomllib
from dataclasses import dataclass

from workflow.process.definition import _Lines  # the process file's line finder, shared

REPORT_KEYS = {"zh", "en", "reminder_day", "remind_above_day"}
GROUP_KEYS = {"name", "zh", "en"}
COLUMN_KEYS = {"key", "zh", "en", "measure", "group"}
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class TemplateError(ValueError):
    """The template file is wrong; the message names the line."""


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    measure: str
    group: str | None = None


@dataclass(frozen=True)
class Template:
    zh: str
    en: str
    reminder_day: int
    remind_above_day: int
    groups: dict  # name -> (zh, en)
    columns: tuple

    def header_spans(self):
        return header_spans(self.columns, self.groups)


def header_spans(columns, groups):
    """[(group labels or None, [columns])]: consecutive columns of one group share a merged header.

    columns are template Columns or a frozen copy's dicts; groups maps a name to (zh, en).
    """
    spans = []
    for column in columns:
        group = column["group"] if isinstance(column, dict) else column.group
        if spans and group is not None and spans[-1][0] == group:
            spans[-1][1].append(column)
        else:
            spans.append((group, [column]))
    return [(tuple(groups[name]) if name in groups else None, cols) for name, cols in spans]


def load(path, measures):
    """Read and check a template; measures names what a column may use."""
    with open(path, "rb") as handle:
        raw = handle.read()
    lines = _Lines(raw.decode("utf-8"), path)
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"{path}: {exc}") from None
    report = data.get("report")
    if not isinstance(report, dict):
        raise TemplateError(f"{path}: a [report] table with zh, en and reminder_day is required")
    _check_report(report, lines)
    groups = _groups(data.get("group", []), lines)
    columns = _columns(data.get("column", []), groups, measures, lines)
    return Template(report["zh"], report["en"], report["reminder_day"],
                    report.get("remind_above_day", report["reminder_day"]), groups, columns)


def _error(lines, message, table=None, index=None, key=None):
    return TemplateError(str(lines.error(message, table, index, key)))


def _report_line(lines, key):
    for number, text in enumerate(lines.lines, 1):
        if re.match(r"^\s*" + re.escape(key) + r"\s*=", text):
            return f"{lines.path}:{number}"
    return lines.path


def _check_report(report, lines):
    for key in report:
        if key not in REPORT_KEYS:
            raise TemplateError(f"{_report_line(lines, key)}: unknown key {key!r} in [report]")
    for key in ("zh", "en"):
        if not str(report.get(key) or "").strip():
            raise TemplateError(f"{lines.path}: [report] needs a title {key!r}")
    for key in ("reminder_day", "remind_above_day"):
        day = report.get(key, 1)
        if not isinstance(day, int) or isinstance(day, bool) or not 1 <= day <= 28:
            raise TemplateError(f"{_report_line(lines, key)}: report.{key}: a day of the month from 1 to 28 is required")


def _groups(raw, lines):
    groups = {}
    for i, g in enumerate(raw):
        for key in g:
            if key not in GROUP_KEYS:
                raise _error(lines, f"unknown key {key!r} in a group", "group", i, key)
        name = g.get("name")
        if not isinstance(name, str) or not _NAME.match(name):
            raise _error(lines, "a group needs a name in lower_case", "group", i, "name")
        if name in groups:
            raise _error(lines, f"group {name!r} is defined twice", "group", i, "name")
        if not (str(g.get("zh") or "").strip() and str(g.get("en") or "").strip()):
            raise _error(lines, f"group {name!r} needs labels zh and en", "group", i)
        groups[name] = (g["zh"], g["en"])
    return groups


def _columns(raw, groups, measures, lines):
    columns, keys = [], set()
    if not raw:
        raise TemplateError(f"{lines.path}: no [[column]] is defined")
    for i, c in enumerate(raw):
        def fail(message, key=None, i=i):
            return _error(lines, message, "column", i, key)
        for key in c:
            if key not in COLUMN_KEYS:
                raise fail(f"unknown key {key!r} in a column", key)
        key = c.get("key")
        if not isinstance(key, str) or not _NAME.match(key):
            raise fail("a column needs a key in lower_case", "key")
        if key in keys:
            raise fail(f"column {key!r} is defined twice", "key")
        keys.add(key)
        if not (str(c.get("zh") or "").strip() and str(c.get("en") or "").strip()):
            raise fail(f"column {key!r} needs labels zh and en")
        if c.get("measure") not in measures:
            known = ", ".join(sorted(measures))
            raise fail(f"column {key!r}: unknown measure {c.get('measure')!r} (known: {known})", "measure")
        if c.get("group") is not None and c["group"] not in groups:
            raise fail(f"column {key!r}: unknown group {c['group']!r}", "group")
        columns.append(Column(key, c["zh"], c["en"], c["measure"], c.get("group")))
    return tuple(columns)
