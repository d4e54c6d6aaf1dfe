"""Export the filtered cases as the Excel 台账."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField
from wtforms.validators import Length, ValidationError

from forms.base import BaseForm


class ExportForm(BaseForm):
    # Full ID numbers and phones only when ticked on purpose; the export is audited either way.
    full = BooleanField(_l("导出完整身份证号和电话（将记录审计）"))
    reason = StringField(_l("导出完整号码的原因"), validators=[Length(max=200)])

    def validate_reason(self, field):
        """Full values need a reason: it goes into the audit trail."""
        if self.full.data and len((field.data or "").strip()) < 2:
            raise ValidationError(_l("导出完整号码须填写原因"))
