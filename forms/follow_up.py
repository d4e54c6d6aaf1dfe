"""跟踪联系: log a follow-up; a new phone or address becomes a new 五必登 entry."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField, TextAreaField

from forms.fields import CaseForm, Chosen, LocalDateField, MaxLength, NotFuture, local_today, options
from forms.validators import Mobile, Required
from workflow.cases.registration import ADDRESS_KINDS
from workflow.models.contact import OUTCOMES, WORKER_KINDS
from workflow.text import label


class FollowUpForm(CaseForm):
    kind = RadioField(_l("联系方式"), validate_choice=False, default="phone",
                      validators=[Chosen(_l("请选择联系方式"))])
    outcome = RadioField(_l("联系结果"), validate_choice=False, default="reached",
                         validators=[Chosen(_l("请选择是否联系上"))])
    contacted_on = LocalDateField(_l("联系日期"), default=local_today,
                                  validators=[Required(_l("请填写联系日期")), NotFuture()])
    notes = TextAreaField(_l("情况记录"), validators=[MaxLength(2000)])
    new_phone = StringField(_l("新手机号码"), validators=[Mobile()])
    new_address = StringField(_l("新住址"), validators=[MaxLength(300)])
    new_address_kind = RadioField(_l("新住址类型"), validate_choice=False, default="transitional",
                                  validators=[Chosen(_l("请选择过渡住址或安置住址"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = options((k, label(v)) for k, v in WORKER_KINDS.items())
        self.outcome.choices = options((k, label(v)) for k, v in OUTCOMES.items())
        self.new_address_kind.choices = options((k, label(v)) for k, v in ADDRESS_KINDS.items())
