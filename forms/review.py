"""Review a submitted registration: send it back with a reason (approve needs no fields)."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, TextAreaField
from wtforms.validators import Length

from forms.base import BaseForm
from forms.validators import Required


class SendBackForm(BaseForm):
    reason = TextAreaField(_l("退回原因"), validators=[
        Required(_l("请填写退回原因，社区工作者会看到它")),
        Length(max=500, message=_l("退回原因最多500字")),
    ])
    version = HiddenField()


class ReviewForm(BaseForm):
    """Approve one or the ticked cases: only the CSRF token."""
