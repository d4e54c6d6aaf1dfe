"""家庭户 screens: make a household, add or move a member, its addresses, and steps for all."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, StringField

from forms.base import BaseForm
from forms.fields import CaseForm, Chosen, MaxLength, options
from forms.handover import ProposeHandoverForm
from forms.transition import MoveOutForm
from forms.validators import IdNumber, Required
from forms.visit import VisitForm
from workflow.cases.registration import ADDRESS_KINDS
from workflow.text import label


class NewHouseholdForm(BaseForm):
    """建立家庭户 on the case page, this person as 户主."""

    number = StringField(_l("户号（拆迁办编号，可不填）"), validators=[MaxLength(40)], id="household-number")


class JoinHouseholdForm(BaseForm):
    """加入已有的户 on the same page: the same field name, its own id."""

    number = StringField(_l("或加入本项目已有的户（填户号）"), validators=[MaxLength(40)], id="join-number")


class AddMemberForm(BaseForm):
    id_number = StringField(_l("成员身份证号"), validators=[Required(), IdNumber()])


class MoveMemberForm(BaseForm):
    case_id = HiddenField()
    reason = StringField(_l("调整原因"), validators=[Required(_l("请填写调整原因")), MaxLength(200)])


class AddressesForm(CaseForm):
    """The version carried is the household's."""

    original_address = StringField(_l("原住址"), validators=[MaxLength(300)])
    destination_address = StringField(_l("去向住址"), validators=[MaxLength(300)])
    destination_kind = RadioField(_l("去向类型"), validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.destination_kind.choices = options((k, label(v)) for k, v in ADDRESS_KINDS.items())
        self.destination_kind.validators = [Chosen(_("请选择过渡住址或安置住址"),
                                                   optional=not (self.destination_address.data or "").strip())]

    def values(self):
        """What the service takes: stripped texts, the kind only with a destination."""
        destination = (self.destination_address.data or "").strip()
        return {"original": (self.original_address.data or "").strip(), "destination": destination,
                "destination_kind": self.destination_kind.data if destination else None}


class HouseholdVisitForm(VisitForm):
    """入户走访 for the household: the members met are ticked on the screen (web parses them),
    so who was met is optional here (each ticked member's log names them)."""

    met_with = StringField(_l("见到的人"), validators=[MaxLength(100)])


class HouseholdMoveOutForm(MoveOutForm):
    """搬迁 for the household: one date and note for every ticked member."""


class HouseholdHandoverForm(ProposeHandoverForm):
    """移交 for the household: one receiver for every ticked member."""


