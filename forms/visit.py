"""入户走访: log the home visit (date, who was met, notes, outcome)."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import StopValidation

from forms.fields import CaseForm, Chosen, LocalDateField, MaxLength, NotFuture, local_today, options
from forms.validators import Required

OUTCOMES = [("reached", _l("见到了本人或家属")), ("not_reached", _l("家中无人，未见到"))]


class MetWhenReached:
    """Who was met is needed when the visit reached someone."""

    def __call__(self, form, field):
        if form.outcome.data == "reached" and not (field.data or "").strip():
            raise StopValidation(_("见到了谁？请填写见到的人"))


class VisitForm(CaseForm):
    visited_on = LocalDateField(_l("走访日期"), default=local_today,
                                validators=[Required(_("请填写走访日期")), NotFuture()])
    outcome = RadioField(_l("走访结果"), choices=options(OUTCOMES), default="reached", validate_choice=False,
                         validators=[Chosen(_l("请选择走访结果"))])
    met_with = StringField(_l("见到的人"), validators=[MetWhenReached(), MaxLength(100)])
    notes = TextAreaField(_l("情况记录"), validators=[MaxLength(2000)])
