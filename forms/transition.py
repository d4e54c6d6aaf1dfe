"""搬迁 / 结案 / 审核 / 退回 / 登记回执: a trigger with the data it needs and its reason.

form_for() picks the form of a trigger, so a reason the definition requires is
required here too.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField

from forms.fields import CaseForm, LocalDateField, MaxLength, NotBefore, NotFuture, local_today, zone
from forms.validators import Required


class TransitionForm(CaseForm):
    reason = TextAreaField(_l("说明"), validators=[MaxLength(500)])


class ReasonRequiredForm(CaseForm):
    reason = TextAreaField(_l("原因"), validators=[Required(_l("请填写原因")), MaxLength(500)])


def _entered_day(form):
    case = getattr(form, "case", None)
    if case is None:
        return None
    return case.state_entered_at.astimezone(zone()).date()


class MoveOutForm(TransitionForm):
    moved_on = LocalDateField(_l("搬迁日期"), default=local_today, validators=[
        Required(_l("请填写搬迁日期")), NotFuture(),
        NotBefore(_entered_day, lambda day: _("搬迁日期不能早于登记通过的日期（%(day)s）", day=day.isoformat())),
    ])


class ReceiptForm(TransitionForm):
    receipt_number = StringField(_l("回执编号"), validators=[Required(), MaxLength(100)])


SPECIAL = {"move_out": MoveOutForm, "record_receipt": ReceiptForm}


def form_for(tdef, case, **kwargs):
    """Return the form of a transition, bound to the request and to its case."""
    if tdef.trigger in SPECIAL:
        cls = SPECIAL[tdef.trigger]
    else:
        cls = ReasonRequiredForm if tdef.reason == "required" else TransitionForm
    form = cls(**kwargs)
    form.case = case
    return form
