"""联络群: record the liaison group the person joined (its name and the date)."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField

from forms.fields import CaseForm, LocalDateField, MaxLength, NotFuture, local_today
from forms.validators import Required


class GroupForm(CaseForm):
    group_name = StringField(_l("联络群名称"), validators=[Required(), MaxLength(100)])
    joined_on = LocalDateField(_l("入群日期"), default=local_today,
                               validators=[Required(_l("请填写入群日期")), NotFuture()])
