"""Walk the live url_map: every rule, every method, URLs built for any converter."""

import itertools
import uuid
from urllib.parse import urlsplit

from werkzeug.routing.converters import AnyConverter, FloatConverter, IntegerConverter, PathConverter, UUIDConverter

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
REDIRECTS = {301, 302, 303, 307, 308}


def all_rules(app):
    """Every rule of the app, in a stable order."""
    return sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint))


def methods(rule, skip=("OPTIONS",)):
    """The rule's methods; OPTIONS is Flask's automatic answer and runs no view."""
    return sorted(m for m in rule.methods if m not in skip)


def int_args(rule):
    """The rule's arguments with an <int:...> converter (ids of objects)."""
    return [name for name, conv in rule._converters.items() if isinstance(conv, IntegerConverter)]


def sample_value(conv):
    """A value the converter accepts, where the value itself does not matter."""
    if isinstance(conv, IntegerConverter):
        return 1
    if isinstance(conv, FloatConverter):
        return 1.0
    if isinstance(conv, UUIDConverter):
        return uuid.UUID(int=1)
    if isinstance(conv, AnyConverter):
        return sorted(conv.items)[0]
    if isinstance(conv, PathConverter):
        return "css/app.css"
    return "zh"


def choices(app, rule, arg):
    """The values worth probing for a non-id argument: every trigger for <trigger>, every
    register item for <item>, every option of <any(...)>; else one sample value."""
    conv = rule._converters[arg]
    if isinstance(conv, AnyConverter):
        return sorted(conv.items)
    definition = app.extensions["process_engine"].definition
    if arg in ("trigger", "action", "event", "transition"):
        return list(definition.triggers)
    if arg in ("state", "from_state", "to_state"):
        return list(definition.states)
    if arg in ("item", "register"):
        from workflow.models.registration import ITEMS

        return list(ITEMS)
    return [sample_value(conv)]


def variants(app, rule):
    """Every combination of the rule's non-id arguments' values (one {} when there are none)."""
    names = [n for n in rule._converters if n not in int_args(rule)]
    return [dict(zip(names, combo, strict=True))
            for combo in itertools.product(*(choices(app, rule, n) for n in names))]


def build(rule, values=None):
    """Return the path of rule with values, sample values for the other arguments."""
    values = dict(values or {})
    for name, conv in rule._converters.items():
        values.setdefault(name, sample_value(conv))
    return rule.build(values, append_unknown=False)[1]


def refused_anonymous(response):
    """Say whether an anonymous request was sent to the login page or answered 401."""
    if response.status_code == 401:
        return True
    return response.status_code in REDIRECTS and urlsplit(response.location).path == "/login"


def anonymous_exposures(app, allowed):
    """Return "METHOD url -> status" for every anonymous request outside allowed that got through."""
    client = app.test_client()
    problems = []
    for rule in all_rules(app):
        if rule.endpoint in allowed:
            continue
        url = build(rule)
        for method in methods(rule, skip=()):
            for accept in ("text/html", "application/json"):
                response = client.open(url, method=method, headers={"Accept": accept})
                response.close()
                if not refused_anonymous(response):
                    problems.append(f"{method} {url} ({rule.endpoint}, Accept {accept}) -> {response.status_code}")
    return problems
