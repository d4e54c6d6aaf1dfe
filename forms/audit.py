"""Filter the audit trail by user, case and dates (a GET form: it changes nothing)."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField
from wtforms.validators import Optional, ValidationError

from forms.base import BaseForm
from forms.fields import optional_id
from forms.validators import IdRange


class AuditFilterForm(BaseForm):
    class Meta:
        csrf = False  # a search: reading only

    user = SelectField(_l("操作人"), coerce=optional_id, validators=[Optional()])
    case = IntegerField(_l("案件编号"), validators=[Optional(), IdRange(_l("案件编号应为正整数"))])
    since = DateField(_l("起始日期"), validators=[Optional()])
    until = DateField(_l("截止日期"), validators=[Optional()])

    def validate_until(self, field):
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("截止日期不能早于起始日期"))
