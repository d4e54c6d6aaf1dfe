"""移交: the sender proposes; the receiving unit accepts, or rejects with a reason."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import StopValidation

from forms.fields import CaseForm, ChoiceField, Chosen, MaxLength, options
from forms.validators import Required

KINDS = [("resettle", _l("回迁安置到其他社区")), ("transfer", _l("组织关系转出"))]


class OneTarget:
    """Exactly one receiver: a unit of the system, or a place outside it."""

    def __call__(self, form, field):
        external = (form.external.data or "").strip()
        if field.data is None and not external:
            raise StopValidation(_("请选择接收单位，或填写系统外的接收地"))
        if field.data is not None and external:
            raise StopValidation(_("请只填一项：系统内的接收单位，或系统外的接收地"))


class ProposeHandoverForm(CaseForm):
    kind = RadioField(_l("移交类型"), choices=options(KINDS), validate_choice=False,
                      validators=[Chosen(_l("请选择移交类型：回迁安置或组织关系转出"))])
    to_unit_id = ChoiceField(_l("接收单位（本系统内）"))
    external = StringField(_l("系统外的接收地"), validators=[MaxLength(200)])
    reason = TextAreaField(_l("说明"), validators=[MaxLength(500)])

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.to_unit_id.choices = options([(u.id, u.name) for u in units], _("请选择"))
        self.to_unit_id.validators = [Chosen(_("请选择接收单位"), optional=True), OneTarget()]


class AcceptForm(CaseForm):
    reason = TextAreaField(_l("说明"), validators=[MaxLength(500)])


class RejectForm(CaseForm):
    reason = TextAreaField(_l("拒绝原因"), validators=[Required(_l("请填写拒绝原因")), MaxLength(500)])
