"""Read workflow/mobility.toml and check it; errors name the file and line."""

import re
import tomllib
from dataclasses import dataclass

from flask import current_app

from workflow.models.contact import KINDS as CONTACT_KINDS
from workflow.models.user import ROLES
from workflow.process.definition import DefinitionError

LINES = {"mobile_after_months", "report_every_months", "abroad_contact_months",
         "graduate_keep_months", "certificate_max_months"}
REMINDERS = {"report_lead_days", "certificate_lead_days", "line_lead_days"}
SITUATION_FLAGS = {"mobile", "abroad", "graduate", "suggest_transfer", "needs_destination"}
SITUATION_KEYS = {"name", "zh", "en"} | SITUATION_FLAGS
REQUIRED_SITUATIONS = ("local",)
CLOCKS = ("line", "report", "abroad", "certificate", "graduate", "transfer")  # workflow/mobility/tasks.py  # a member at home; the migration and new cases start there


@dataclass(frozen=True)
class Situation:
    name: str
    zh: str
    en: str
    mobile: bool = False
    abroad: bool = False
    graduate: bool = False
    suggest_transfer: bool = False
    needs_destination: bool = False


@dataclass(frozen=True)
class Policy:
    situations: dict
    lines: dict
    reminders: dict
    report_kinds: tuple
    roles: tuple
    ends_in: tuple
    labels: dict  # clock -> (zh, en)

    def months(self, name):
        return self.lines[name]


class _Where:
    """Find the line of a key in a [table] or in the n-th [[array]] of the raw text."""

    def __init__(self, text, path):
        self.lines, self.path = text.splitlines(), path

    def error(self, message, table=None, key=None, index=None):
        line = self._find(table, key, index)
        return DefinitionError(f"{self.path}:{line}: {message}" if line else f"{self.path}: {message}")

    def _find(self, table, key, index):
        if table is None:
            return None
        brackets = r"\[\[" if index is not None else r"\["
        header = re.compile(r"^\s*" + brackets + r"\s*" + re.escape(table) + r"\s*\]")
        seen, start = -1, None
        for number, text in enumerate(self.lines, 1):
            if header.match(text):
                seen += 1
                if index is None or seen == index:
                    start = number
                    if key is None:
                        return number
                    continue
            if start is not None and re.match(r"^\s*\[", text):
                break
            if start is not None and re.match(r"^\s*" + re.escape(key) + r"\s*=", text):
                return number
        return start


def load(path, states):
    """Read and validate the mobility policy; states are the process's state names."""
    with open(path, "rb") as handle:
        text = handle.read().decode("utf-8")
    where = _Where(text, path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DefinitionError(f"{path}: {exc}") from None
    unknown = set(data) - {"lines", "reminders", "scope", "labels", "situation"}
    if unknown:
        raise where.error(f"unknown table {sorted(unknown)[0]!r}")
    lines = _numbers(data.get("lines", {}), "lines", LINES | {"report_kinds"}, LINES, where, positive=True)
    reminders = _numbers(data.get("reminders", {}), "reminders", REMINDERS, REMINDERS, where, positive=False)
    kinds = data.get("lines", {}).get("report_kinds", [])
    if not isinstance(kinds, list) or not kinds or not all(k in CONTACT_KINDS for k in kinds):
        raise where.error(f"lines.report_kinds: a list of contact kinds ({', '.join(CONTACT_KINDS)}) is required",
                          "lines", "report_kinds")
    situations = _situations(data.get("situation", []), where)
    roles, ends_in = _scope(data.get("scope", {}), states, where)
    labels = _labels(data.get("labels", {}), where)
    return Policy(situations, lines, reminders, tuple(kinds), roles, ends_in, labels)


def _labels(table, where):
    unknown = set(table) - set(CLOCKS)
    if unknown:
        key = sorted(unknown)[0]
        raise where.error(f"unknown clock {key!r} in [labels]", "labels", key)
    out = {}
    for clock in CLOCKS:
        pair = table.get(clock)
        if not isinstance(pair, dict) or set(pair) != {"zh", "en"} or not all(
                isinstance(v, str) and v.strip() for v in pair.values()):
            raise where.error(f"labels.{clock}: {{ zh = \"…\", en = \"…\" }} is required", "labels", clock)
        out[clock] = (pair["zh"], pair["en"])
    return out


def _scope(table, states, where):
    unknown = set(table) - {"roles", "ends_in"}
    if unknown:
        key = sorted(unknown)[0]
        raise where.error(f"unknown key {key!r} in [scope]", "scope", key)
    for key, known, what in (("roles", ROLES, "role"), ("ends_in", states, "state")):
        value = table.get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise where.error(f"scope.{key}: a list of {what} names is required", "scope", key)
        for name in value:
            if name not in known:
                raise where.error(f"scope.{key}: unknown {what} {name!r}", "scope", key)
    if not table["roles"]:
        raise where.error("scope.roles: at least one role is required", "scope", "roles")
    return tuple(table["roles"]), tuple(table["ends_in"])


def _numbers(table, name, allowed, required, where, positive):
    unknown = set(table) - allowed
    if unknown:
        key = sorted(unknown)[0]
        raise where.error(f"unknown key {key!r} in [{name}]", name, key)
    out = {}
    for key in sorted(required):
        value = table.get(key)
        low = 1 if positive else 0
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            what = "above 0" if positive else "0 or more"
            raise where.error(f"{name}.{key}: a whole number {what} is required", name, key)
        out[key] = value
    return out


def _situations(rows, where):
    found = {}
    for i, row in enumerate(rows):
        unknown = set(row) - SITUATION_KEYS
        if unknown:
            key = sorted(unknown)[0]
            raise where.error(f"unknown key {key!r} in a situation", "situation", key, i)
        name = row.get("name")
        if not isinstance(name, str) or not re.fullmatch(r"[a-z_]+", name):
            raise where.error("a situation needs a name in lower_case", "situation", "name", i)
        if name in found:
            raise where.error(f"situation {name!r} is defined twice", "situation", "name", i)
        for key in ("zh", "en"):
            if not isinstance(row.get(key), str) or not row[key].strip():
                raise where.error(f"situation {name!r} needs a label {key!r}", "situation", None, i)
        for flag in SITUATION_FLAGS & set(row):
            if not isinstance(row[flag], bool):
                raise where.error(f"situation {name!r}: {flag} must be true or false", "situation", flag, i)
        found[name] = Situation(name, row["zh"], row["en"], **{f: row[f] for f in SITUATION_FLAGS & set(row)})
    for name in REQUIRED_SITUATIONS:
        if name not in found:
            raise where.error(f"situation {name!r} is required")
    return found


def init_app(app):
    """Load and check the policy once; a broken file stops start-up."""
    states = app.extensions["process_engine"].definition.states
    app.extensions["mobility_policy"] = load(app.config["MOBILITY_POLICY"], states)


def get_policy():
    """Return the mobility policy of the current app."""
    return current_app.extensions["mobility_policy"]
