"""流动党员: the situation, the 活动证 (issue, renew, revoke) and the logged 定期报告."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import StopValidation

from forms.fields import CaseForm, Chosen, LocalDateField, MaxLength, NotFuture, local_today, options
from forms.validators import Required
from workflow.mobility.places import PROVINCES
from workflow.text import label


def province_choices():
    return options(((k, label(v)) for k, v in PROVINCES.items()), _("请选择"))


class WholeMonths(IntegerField):
    """A number of months; anything else gets a Chinese message, not WTForms' English one."""

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if text:
            if not (text.isascii() and text.isdigit() and len(text) <= 3):
                raise ValueError(_("预计外出时长应填写整数月数，如 12"))
            self.data = int(text)

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()


class SituationForm(CaseForm):
    situation = SelectField(_l("流动情况"), validate_choice=False, validators=[Chosen(_l("请选择流动情况"))])
    since = LocalDateField(_l("开始日期"), default=local_today, validators=[Required(_l("请填写开始日期")), NotFuture()])
    dest_province = SelectField(_l("去向省份"), validate_choice=False,
                                validators=[Chosen(_l("请从列表中选择去向省份"), optional=True)])
    dest_city = StringField(_l("去向城市（境外填国家或地区）"), validators=[MaxLength(50)])
    note = TextAreaField(_l("说明"), validators=[MaxLength(500)])

    def __init__(self, *args, situations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.situation.choices = options((s.name, label((s.zh, s.en))) for s in situations)
        self.dest_province.choices = province_choices()


class CertificateForm(CaseForm):
    number = StringField(_l("活动证编号"), validators=[Required(_l("请填写活动证编号")), MaxLength(40)])
    issued_on = LocalDateField(_l("发证日期"), default=local_today,
                               validators=[Required(_l("请填写发证日期")), NotFuture()])
    duration_months = WholeMonths(_l("预计外出时长（月）"), validators=[Required(_l("请填写预计外出时长"))])
    expires_on = LocalDateField(_l("有效期至"), validators=[Required(_l("请填写有效期至"))])
    reason = StringField(_l("外出原因"), validators=[Required(_l("请填写外出原因")), MaxLength(200)])
    dest_province = SelectField(_l("去向省份"), validate_choice=False,
                                validators=[Chosen(_l("请从列表中选择去向省份"))])
    dest_city = StringField(_l("去向城市（境外填国家或地区）"),
                            validators=[Required(_l("请填写去向城市")), MaxLength(50)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.dest_province.choices = province_choices()


class RenewForm(CaseForm):
    duration_months = WholeMonths(_l("预计外出时长（月，自发证日起）"), validators=[Required(_l("请填写预计外出时长"))])
    expires_on = LocalDateField(_l("新的有效期至"), validators=[Required(_l("请填写新的有效期至"))])


class RevokeForm(CaseForm):
    revoked_on = LocalDateField(_l("收回日期"), default=local_today,
                                validators=[Required(_l("请填写收回日期")), NotFuture()])
    reason = StringField(_l("收回原因"), validators=[Required(_l("请填写收回原因")), MaxLength(200)])


class ReportForm(CaseForm):
    reported_on = LocalDateField(_l("报告日期"), default=local_today,
                                 validators=[Required(_l("请填写报告日期")), NotFuture()])
    notes = TextAreaField(_l("报告内容"), validators=[Required(_l("请填写报告内容")), MaxLength(2000)])
