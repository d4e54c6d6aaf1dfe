"""Load the process definition (TOML) and check it; errors name the file and line."""

import re
import tomllib
from dataclasses import dataclass, field

from workflow.models.user import ROLES

STATE_KEYS = {"name", "zh", "en", "deadline_days", "rhythm", "editable", "waits_on"}
# Who a case in a state waits on, seen from its own unit: a reviewer (a role that may leave
# the state) or the receiving unit of a handover. Such cases are not the worker's overdue work.
WAITS_ON = ("reviewer", "receiver")
TRANSITION_KEYS = {
    "trigger", "zh", "en", "source", "dest", "roles", "guards",
    "conditions", "unless", "after", "reason", "scope",
}
REASONS = {None, "required", "optional"}
# [settings] with their defaults; the state lists must name states of the file.
SETTING_DEFAULTS = {"miss_limit": 3, "self_checkin_counts": True,
                    "member_link_ends_in": ["transferred", "closed"], "self_reports_frozen_in": ["in_review"],
                    "household_addresses_frozen_in": ["in_review", "closed"]}
STATE_LIST_SETTINGS = ("member_link_ends_in", "self_reports_frozen_in", "household_addresses_frozen_in")
SCOPES = {"owner", "receiver"}


class DefinitionError(ValueError):
    """The definition file is wrong; the message names the line."""


@dataclass(frozen=True)
class StateDef:
    name: str
    zh: str
    en: str
    deadline_days: int | None = None
    rhythm: bool = False
    editable: bool = False  # the 五必登 and 三个一 may be changed in this state
    waits_on: str | None = None  # one of WAITS_ON


@dataclass(frozen=True)
class TransitionDef:
    trigger: str
    zh: str
    en: str
    sources: tuple
    dest: str  # "=" stays in the same state
    roles: tuple
    guards: tuple = ()
    conditions: tuple = ()
    unless: tuple = ()
    after: tuple = ()
    reason: str | None = None
    scope: str = "owner"


@dataclass
class Definition:
    name: str
    initial: str
    states: dict
    transitions: list
    rhythm: dict
    settings: dict = field(default_factory=dict)

    @property
    def triggers(self):
        """Every trigger once, in the order of the file."""
        return list(dict.fromkeys(t.trigger for t in self.transitions))

    def transitions_from(self, state, trigger=None):
        """The transitions that can leave a state (for one trigger if given)."""
        return [
            t for t in self.transitions
            if state in t.sources and (trigger is None or t.trigger == trigger)
        ]

    def edges(self, t):
        """The (source, destination) pairs of a transition; "=" stays where it is."""
        return [(source, source if t.dest == "=" else t.dest) for source in t.sources]


class _Lines:
    """Find the line of a key inside the n-th [[table]] of the raw text."""

    def __init__(self, text, path):
        self.lines = text.splitlines()
        self.path = path

    def error(self, message, table=None, index=None, key=None):
        line = self.find(table, index, key)
        where = f"{self.path}:{line}" if line else self.path
        return DefinitionError(f"{where}: {message}")

    def find(self, table, index, key):
        if table is None:
            return None
        header = re.compile(r"^\s*\[\[\s*" + re.escape(table) + r"\s*\]\]")
        seen, start = -1, None
        for number, text in enumerate(self.lines, 1):
            if start is not None and re.match(r"^\s*\[", text):
                break
            if header.match(text):
                seen += 1
                if seen == index:
                    start = number
                    if key is None:
                        return number
            elif start is not None and re.match(r"^\s*" + re.escape(key) + r"\s*=", text):
                return number
        return start


def load(path, guards, conditions, effects):
    """Read and validate a definition; the registries name what may be referenced."""
    with open(path, "rb") as handle:
        raw = handle.read()
    lines = _Lines(raw.decode("utf-8"), path)
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise DefinitionError(f"{path}: {exc}") from None
    states = _read_states(data, lines)
    transitions = [
        _read_transition(i, t, states, lines, guards, conditions, effects)
        for i, t in enumerate(data.get("transition", []))
    ]
    process = data.get("process", {})
    initial = process.get("initial")
    if initial not in states:
        raise lines.error(f"process.initial: unknown state {initial!r}")
    rhythm = data.get("rhythm", {})
    for kind in ("party_member", "resident"):
        if not isinstance(rhythm.get(kind), int) or rhythm[kind] <= 0:
            raise lines.error(f"rhythm.{kind}: a whole number of days above 0 is required")
    definition = Definition(
        name=process.get("name", "process"), initial=initial, states=states,
        transitions=transitions, rhythm=rhythm, settings=_read_settings(data, states, lines),
    )
    _check_reachable(definition, lines)
    return definition


def _read_settings(data, states, lines):
    """The [settings] table over the defaults; a wrong type or unknown state is an error."""
    settings = {**SETTING_DEFAULTS, **data.get("settings", {})}
    if not isinstance(settings["self_checkin_counts"], bool):
        raise lines.error("settings.self_checkin_counts: true or false is required")
    for key in STATE_LIST_SETTINGS:
        value = settings[key]
        if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
            raise lines.error(f"settings.{key}: a list of state names is required")
        for name in value:
            if name not in states:
                raise lines.error(f"settings.{key}: unknown state {name!r}")
    return settings


def _read_states(data, lines):
    states = {}
    for i, s in enumerate(data.get("state", [])):
        unknown = set(s) - STATE_KEYS
        if unknown:
            key = sorted(unknown)[0]
            raise lines.error(f"unknown key {key!r} in a state", "state", i, key)
        name = s.get("name")
        if not name or not re.fullmatch(r"[a-z_]+", name):
            raise lines.error("a state needs a name in lower_case", "state", i, "name")
        if name in states:
            raise lines.error(f"state {name!r} is defined twice", "state", i, "name")
        for key in ("zh", "en"):
            if not s.get(key):
                raise lines.error(f"state {name!r} needs a label {key!r}", "state", i)
        days = s.get("deadline_days")
        if days is not None and (not isinstance(days, int) or days < 0):
            raise lines.error(f"state {name!r}: deadline_days must be 0 or more", "state", i, "deadline_days")
        waits_on = s.get("waits_on")
        if waits_on is not None and waits_on not in WAITS_ON:
            raise lines.error(f"state {name!r}: waits_on must be one of {', '.join(WAITS_ON)}", "state", i, "waits_on")
        states[name] = StateDef(
            name, s["zh"], s["en"], days, bool(s.get("rhythm", False)), bool(s.get("editable", False)), waits_on
        )
    if not states:
        raise lines.error("no [[state]] is defined")
    return states


def _as_tuple(value):
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _read_transition(i, t, states, lines, guards, conditions, effects):
    def fail(message, key=None):
        return lines.error(message, "transition", i, key)

    unknown = set(t) - TRANSITION_KEYS
    if unknown:
        key = sorted(unknown)[0]
        raise fail(f"unknown key {key!r} in a transition", key)
    trigger = t.get("trigger")
    if not trigger or not re.fullmatch(r"[a-z_]+", trigger):
        raise fail("a transition needs a trigger in lower_case", "trigger")
    for key in ("zh", "en"):
        if not t.get(key):
            raise fail(f"trigger {trigger!r} needs a label {key!r}")
    sources = _as_tuple(t.get("source"))
    if not sources:
        raise fail(f"trigger {trigger!r} has no source state", "source")
    for name in sources:
        if name not in states:
            raise fail(f"trigger {trigger!r}: unknown source state {name!r}", "source")
    dest = t.get("dest")
    if dest != "=" and dest not in states:
        raise fail(f"trigger {trigger!r}: unknown destination state {dest!r}", "dest")
    roles = _as_tuple(t.get("roles"))
    if not roles:
        raise fail(f"trigger {trigger!r} allows no role", "roles")
    for role in roles:
        if role not in ROLES:
            raise fail(f"trigger {trigger!r}: unknown role {role!r}", "roles")
    for key, registry, what in (
        ("guards", guards, "guard"), ("conditions", conditions, "condition"),
        ("unless", conditions, "condition"), ("after", effects, "effect"),
    ):
        for name in _as_tuple(t.get(key)):
            if name not in registry:
                raise fail(f"trigger {trigger!r}: unknown {what} {name!r}", key)
    if t.get("reason") not in REASONS:
        raise fail(f"trigger {trigger!r}: reason must be \"required\" or \"optional\"", "reason")
    scope = t.get("scope", "owner")
    if scope not in SCOPES:
        raise fail(f"trigger {trigger!r}: scope must be \"owner\" or \"receiver\"", "scope")
    return TransitionDef(
        trigger=trigger, zh=t["zh"], en=t["en"], sources=sources, dest=dest, roles=roles,
        guards=_as_tuple(t.get("guards")), conditions=_as_tuple(t.get("conditions")),
        unless=_as_tuple(t.get("unless")), after=_as_tuple(t.get("after")),
        reason=t.get("reason"), scope=scope,
    )


def _check_reachable(definition, lines):
    seen, todo = {definition.initial}, [definition.initial]
    while todo:
        state = todo.pop()
        for t in definition.transitions_from(state):
            for source, dest in definition.edges(t):
                if source == state and dest not in seen:
                    seen.add(dest)
                    todo.append(dest)
    for i, name in enumerate(definition.states):
        if name not in seen:
            raise lines.error(f"state {name!r} cannot be reached from {definition.initial!r}", "state", i, "name")
