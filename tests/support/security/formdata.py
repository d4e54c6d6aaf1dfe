"""A plausible form for any POST endpoint: every field of every form in forms/, filled.

The values come from the field types and validators, so a form added later is
filled too; known names (reason, outcome, expected_version...) get values the
screens accept. A view that reads only some fields ignores the rest.
"""

import functools
import importlib
import pkgutil
from datetime import date, datetime

from wtforms import Form
from wtforms import fields as f
from wtforms.fields.core import UnboundField

import forms
from forms.validators import IdNumber, Mobile, Phone
from tests.support.factories import PASSWORD

# Names whose value a screen checks against the process (outcomes, kinds) or the case.
KNOWN = {
    "reason": "安全测试原因",
    "notes": "安全测试备注",
    "outcome": "reached",
    "kind": "phone",
    "met_with": "本人",
    "address_kind": "transitional",
    "group_name": "安全测试联络群",
}


@functools.cache
def import_forms():
    """Import every module of the forms package, so each form class exists."""
    for info in pkgutil.iter_modules(forms.__path__):
        importlib.import_module(f"forms.{info.name}")


def form_classes():
    """Every Form subclass of the app (the forms package, and any a test defines)."""
    import_forms()
    found, todo = [], [Form]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if not sub.__module__.startswith(("wtforms", "flask_wtf")):
                found.append(sub)
    return sorted(found, key=lambda c: (not c.__module__.startswith("forms."), c.__module__, c.__name__))


def unbound_fields(cls):
    for name in dir(cls):
        value = getattr(cls, name, None)
        if isinstance(value, UnboundField) and name != "csrf_token":
            yield name, value


def _choices_value(unbound):
    choices = unbound.kwargs.get("choices") or (unbound.args[2] if len(unbound.args) > 2 else None)
    if isinstance(choices, dict):
        choices = [c for group in choices.values() for c in group]
    if choices and not callable(choices):
        first = choices[0]
        if hasattr(first, "value"):  # wtforms SelectChoice
            return str(first.value)
        return str(first[0] if isinstance(first, (tuple, list)) else first)
    return ""


def value_for(name, unbound, synth, case=None):
    """A plausible value for one field."""
    if name in KNOWN:
        return KNOWN[name]
    if "version" in name:
        return str(case.version) if case is not None else "1"
    kind = unbound.field_class
    validators = unbound.kwargs.get("validators") or []
    if any(isinstance(v, IdNumber) for v in validators):
        return synth.id_number()
    if any(isinstance(v, (Mobile, Phone)) for v in validators):
        return synth.mobile()
    simple = [
        (f.PasswordField, PASSWORD),
        (f.DateTimeLocalField, datetime.now().strftime("%Y-%m-%dT%H:%M")),
        (f.DateTimeField, datetime.now().strftime("%Y-%m-%d %H:%M:%S")),
        (f.DateField, date.today().isoformat()),
        (f.TimeField, "10:00"),
        (f.BooleanField, "y"),
        (f.IntegerField, "1"),
        (f.DecimalField, "1"),
        (f.FloatField, "1"),
    ]
    for field_class, value in simple:
        if issubclass(kind, field_class):
            return value
    if issubclass(kind, (f.SelectField, f.RadioField, f.SelectMultipleField)):
        return _choices_value(unbound)
    if issubclass(kind, f.FileField):
        return None
    return "安全测试内容"


def all_fields():
    """(name, unbound field) for every field name any form defines, the first definition winning."""
    return _fields_of(tuple(form_classes()))


@functools.cache  # the probes fill thousands of forms; the classes change only when a test defines one
def _fields_of(classes):
    seen = {}
    for cls in classes:
        for name, unbound in unbound_fields(cls):
            seen.setdefault(name, unbound)
    return tuple(seen.items())


def plausible_form(synth, case=None, **extra):
    """Return form data with a value for every field name any form defines, then extra."""
    data = {}
    for name, unbound in all_fields():
        value = value_for(name, unbound, synth, case)
        if value is not None:
            data[name] = value
    data.update({k: str(v) for k, v in extra.items()})
    return data
