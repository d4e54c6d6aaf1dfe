"""Submit (上报) the monthly report with a note; send a unit's report back with a reason."""

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from forms.base import BaseForm


class SubmitReportForm(BaseForm):
    note = TextAreaField(_l("上报说明"), validators=[Length(max=500, message=_l("说明最多500个字"))])


class SendBackReportForm(BaseForm):
    reason = TextAreaField(_l("退回原因"), validators=[
        DataRequired(message=_l("请填写退回原因")), Length(max=500, message=_l("退回原因最多500个字"))])
