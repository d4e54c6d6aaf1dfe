"""联系卡: record that the contact card was handed over."""

from flask_babel import lazy_gettext as _l

from forms.fields import CaseForm, LocalDateField, NotFuture, local_today
from forms.validators import Required


class CardForm(CaseForm):
    issued_on = LocalDateField(_l("发放日期"), default=local_today,
                               validators=[Required(_l("请填写发放日期")), NotFuture()])
