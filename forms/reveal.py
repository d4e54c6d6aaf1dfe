"""The case page's "show full number" form: a reason is required and audited."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Length

from forms.base import BaseForm
from forms.validators import Required


class RevealForm(BaseForm):
    reason = StringField(_l("查看原因"), validators=[Required(), Length(max=200, message=_l("原因最多200字"))])
