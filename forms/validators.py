"""Validators shared by every form: 身份证号, phone numbers, and required text."""

from flask_babel import gettext as _
from wtforms.validators import StopValidation, ValidationError

from workflow.identity import InvalidValue, clean_id_number, clean_mobile, clean_phone


class IdNumber:
    """A valid 18-character 身份证号; the field's data becomes the normalised number."""

    def __call__(self, form, field):
        try:
            field.data = clean_id_number(field.data)
        except InvalidValue as exc:
            raise ValidationError(str(exc)) from None


class Mobile:
    """A mainland mobile number; the field's data becomes its 11 digits."""

    def __call__(self, form, field):
        if not field.data:
            return
        try:
            field.data = clean_mobile(field.data)
        except InvalidValue as exc:
            raise ValidationError(str(exc)) from None


class Phone:
    """A mainland mobile or landline number."""

    def __call__(self, form, field):
        if not field.data:
            return
        try:
            field.data = clean_phone(field.data)
        except InvalidValue as exc:
            raise ValidationError(str(exc)) from None


class Required:
    """Stop with a Chinese message naming the field when it is empty."""

    def __init__(self, message=None):
        self.message = message

    def __call__(self, form, field):
        data = field.data
        if data is None or (isinstance(data, str) and not data.strip()):
            field.errors[:] = []
            raise StopValidation(self.message or _("请填写%(label)s", label=field.label.text))
