"""Validators shared by every form: 身份证号, phone numbers, required text, and ids."""

from flask_babel import gettext as _
from wtforms.validators import StopValidation, ValidationError

from forms.fields import MAX_ID
from workflow.privacy.identity import InvalidValue, clean_id_number, clean_mobile, clean_phone


class _Cleaned:
    """Replace the field's data by its cleaned form, or fail with the cleaner's message."""

    optional = True  # an empty field is left to Required

    def __call__(self, form, field):
        if self.optional and not field.data:
            return
        try:
            field.data = self.clean(field.data)
        except InvalidValue as exc:
            raise ValidationError(str(exc)) from None


class IdNumber(_Cleaned):
    """A valid 18-character 身份证号; the field's data becomes the normalised number."""

    optional = False
    clean = staticmethod(clean_id_number)


class Mobile(_Cleaned):
    """A mainland mobile number; the field's data becomes its 11 digits."""

    clean = staticmethod(clean_mobile)


class Phone(_Cleaned):
    """A mainland mobile or landline number."""

    clean = staticmethod(clean_phone)


class Required:
    """Stop with a Chinese message naming the field when it is empty."""

    def __init__(self, message=None):
        self.message = message

    def __call__(self, form, field):
        data = field.data
        if data is None or (isinstance(data, str) and not data.strip()):
            field.errors[:] = []
            raise StopValidation(self.message or _("请填写%(label)s", label=field.label.text))


class IdRange:
    """An IntegerField holding an id: 1..MAX_ID (a larger number names nothing the database holds)."""

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if field.data is not None and not 1 <= field.data <= MAX_ID:
            raise StopValidation(self.message)
