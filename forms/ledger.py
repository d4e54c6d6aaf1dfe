"""Export the filtered cases as the Excel 台账."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField

from forms.base import BaseForm


class ExportForm(BaseForm):
    # Full ID numbers and phones only when ticked on purpose; the export is audited either way.
    full = BooleanField(_l("导出完整身份证号和电话（将记录审计）"))
