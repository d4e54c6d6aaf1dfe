"""Fields and validators the screens share: ids, local dates, choices, lengths, version."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation, ValidationError

from forms.base import BaseForm
from workflow.db import utcnow


def zone():
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local_today():
    """Today's date in Asia/Shanghai (the configured zone)."""
    return datetime.now(zone()).date()


def day_to_utc(day, not_before=None):
    """Turn a date a user picked into an aware UTC time: now for today, else local noon.

    not_before keeps a back-dated event from sorting before what already happened.
    """
    if day == local_today():
        when = utcnow()
    else:
        when = datetime.combine(day, time(12), tzinfo=zone()).astimezone(UTC)
    if not_before is not None and when < not_before:
        when = not_before
    return when


class LocalDateField(DateField):
    """A date typed or picked on a phone; a bad value gets a Chinese message."""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = datetime.strptime(valuelist[0].strip(), "%Y-%m-%d").date()
        except ValueError:
            self.data = None
            raise ValueError(_("日期格式错误，应为“年-月-日”，如 2026-05-01")) from None

    def pre_validate(self, form):
        """A date that could not be read says so; "required" would only confuse."""
        if self.process_errors:
            raise StopValidation()


class NotFuture:
    """The date may not lie after today (Asia/Shanghai)."""

    def __call__(self, form, field):
        if field.data is not None and field.data > local_today():
            raise ValidationError(_("%(label)s不能晚于今天", label=field.label.text))


class NotBefore:
    """The date may not lie before the day returned by earliest(form)."""

    def __init__(self, earliest, message):
        self.earliest, self.message = earliest, message

    def __call__(self, form, field):
        earliest = self.earliest(form)
        if field.data is not None and earliest is not None and field.data < earliest:
            raise ValidationError(self.message(earliest))


class MaxLength:
    """At most n characters, said in Chinese with the field's name."""

    def __init__(self, n):
        self.n = n

    def __call__(self, form, field):
        if field.data and len(field.data.strip()) > self.n:
            raise StopValidation(_("%(label)s不能超过%(n)s个字", label=field.label.text, n=self.n))


def options(pairs, empty=None):
    """Choices for a select or radio field from (value, label) pairs; empty: a "none" option."""
    out = [SelectChoice("", empty)] if empty is not None else []
    return out + [SelectChoice(value, text) for value, text in pairs]


# Every id column is an `integer` (PostgreSQL: at most 2**31-1; SQLite holds more), so a
# larger number names nothing: it is refused before it reaches a query (docs/security.md).
MAX_ID = 2**31 - 1


def parse_id(value):
    """An id (1..MAX_ID) from an int or a string of digits; None for anything else."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 1 <= value <= MAX_ID else None
    text = value.strip() if isinstance(value, str) else ""
    # Length first: int() of 10,000 digits is refused by Python itself, and slow.
    if not (text.isascii() and text.isdigit() and len(text) <= len(str(MAX_ID))):
        return None
    return parse_id(int(text))


# Query-string and form parameters that carry an id (or a page number) on any screen. Views
# read some of them with int(); web/views.py answers 404 to a number past MAX_ID in any of
# them before a view runs, so none reaches a query. A new id parameter belongs here.
ID_PARAMETERS = frozenset({
    "case_id", "case", "unit", "project", "worker", "user", "to_worker", "to_unit_id",
    "org_unit_id", "project_id", "batch_id", "page", "household",
})


def beyond_id_range(value):
    """Say whether int() would read value as a number no id or page can be (|n| > MAX_ID)."""
    text = value.strip().lstrip("+-").replace("_", "")
    # Length first: int() refuses 4,300 digits and more with a ValueError of its own.
    return text.isdecimal() and (len(text) > len(str(MAX_ID)) or int(text) > MAX_ID)


def optional_id(value):
    """Coerce a select's value: "" (nothing chosen) becomes None; a value not an id is refused.

    The ValueError is the select's "could not coerce" field error, never a 500.
    """
    if value in (None, ""):
        return None
    ident = parse_id(value)
    if ident is None:
        raise ValueError(value)
    return ident


class ChoiceField(SelectField):
    """A select whose value must be one of its choices; Chosen gives the message."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("coerce", parse_id)  # not an id: None, which Chosen refuses
        super().__init__(label, validators, validate_choice=False, **kwargs)


class Chosen:
    """The value is one of the field's choices (an empty value counts as none chosen)."""

    def __init__(self, message, optional=False):
        self.message, self.optional = message, optional

    def __call__(self, form, field):
        allowed = {choice.value for choice in field.choices if choice.value not in (None, "")}
        if field.data in (None, "") and self.optional:
            return
        if field.data not in allowed:
            raise StopValidation(self.message)


class CaseForm(BaseForm):
    """A form about one case; it carries the version of the case it was filled in on."""

    version = HiddenField(_l("版本"))

    def expected_version(self):
        """The version the form was loaded with, or -1 (a conflict) when it is garbage."""
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return -1


def with_version(form, case):
    """Fill the hidden version on a fresh (GET) form."""
    if not form.is_submitted():
        form.version.data = str(case.version)
    return form
