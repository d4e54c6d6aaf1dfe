"""The member's page (no account) and the worker's answer to a self-report."""

import secrets

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import ValidationError

from forms.base import BaseForm
from forms.fields import Chosen, LocalDateField, MaxLength, NotFuture, local_today, options
from forms.validators import Mobile, Required
from workflow.cases.registration import ADDRESS_KINDS
from workflow.models.member import ORG_LIFE_PLACES
from workflow.text import label

CHANGE_ITEMS = {
    "destination_address": ("去向住址", "Where I live now"),
    "contact": ("手机号码", "Mobile number"),
    "workplace": ("工作单位/务工地", "Workplace"),
}
REQUESTS = {
    "transfer": ("申请把组织关系转到现居住地", "Transfer my organisational relation to where I live"),
    "resettled": ("我已回迁/安置", "I have been resettled"),
}


def new_submission_id():
    return secrets.token_urlsafe(16)


class VerifyForm(BaseForm):
    last4 = StringField(_l("身份证号后四位"), validators=[Required(_l("请填写身份证号后四位")), MaxLength(4)])


class SubmitForm(BaseForm):
    """Every member action carries a submission id: the same form sent twice is recorded once."""

    submission = HiddenField(default=new_submission_id, validators=[Required(), MaxLength(64)])


class CheckinForm(SubmitForm):
    pass


class ChangeForm(SubmitForm):
    item = RadioField(_l("要变更的信息"), validate_choice=False, default="destination_address",
                      validators=[Chosen(_l("请选择要变更的信息"))])
    address = StringField(_l("新住址"), validators=[MaxLength(300)])
    address_kind = RadioField(_l("住址类型"), validate_choice=False, default="transitional",
                              validators=[Chosen(_l("请选择过渡住址或安置住址"))])
    phone = StringField(_l("新手机号码"), validators=[Mobile()])
    workplace = StringField(_l("新工作单位/务工地"), validators=[MaxLength(200)])
    work_city = StringField(_l("所在城市"), validators=[MaxLength(50)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.item.choices = options((k, label(v)) for k, v in CHANGE_ITEMS.items())
        self.address_kind.choices = options((k, label(v)) for k, v in ADDRESS_KINDS.items())

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        needed = {"destination_address": self.address, "contact": self.phone, "workplace": self.workplace}
        field = needed.get(self.item.data)
        if field is not None and not (field.data or "").strip():
            field.errors.append(_l("请填写%(label)s", label=field.label.text))
            return False
        return ok

    def values(self):
        """The change as the report stores it: the item and its cleaned fields."""
        item = self.item.data
        if item == "contact":
            return {"item": item, "phone": self.phone.data}
        if item == "workplace":
            return {"item": item, "workplace": self.workplace.data.strip(), "work_city": (self.work_city.data or "").strip()}
        return {"item": item, "address": self.address.data.strip(), "address_kind": self.address_kind.data}


class OrgLifeForm(SubmitForm):
    attended_on = LocalDateField(_l("参加日期"), default=local_today,
                                 validators=[Required(_l("请填写参加日期")), NotFuture()])
    place = RadioField(_l("在哪里参加"), validate_choice=False, default="home_branch",
                       validators=[Chosen(_l("请选择在哪里参加"))])
    where = StringField(_l("支部或活动名称"), validators=[MaxLength(100)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.place.choices = options((k, label(v)) for k, v in ORG_LIFE_PLACES.items())


class RequestForm(SubmitForm):
    kind = RadioField(_l("申请事项"), validate_choice=False, default="transfer",
                      validators=[Chosen(_l("请选择申请事项"))])
    note = TextAreaField(_l("说明（新地址、接收支部等）"), validators=[MaxLength(500)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = options((k, label(v)) for k, v in REQUESTS.items())


class RejectForm(BaseForm):
    reason = TextAreaField(_l("不予采纳的原因"), validators=[Required(_l("请填写不予采纳的原因")), MaxLength(500)])


def _email(form, field):
    value = (field.data or "").strip()
    if value and ("@" not in value or " " in value or value.startswith("@") or value.endswith("@")):
        raise ValidationError(_l("电子邮箱格式错误"))


class LinkForm(BaseForm):
    email = StringField(_l("本人电子邮箱（可选，用于报到提醒）"), validators=[MaxLength(120), _email])
    to_group = BooleanField(_l("同时发送到联络群，并@本人"))
