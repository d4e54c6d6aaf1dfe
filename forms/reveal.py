"""The case page's "show full number" form: a reason is required and audited."""

from wtforms import StringField
from wtforms.validators import Length

from forms.base import BaseForm
from forms.validators import Required


class RevealForm(BaseForm):
    reason = StringField("查看原因", validators=[Required(), Length(max=200, message="原因最多200字")])
