"""五必登: the five must-registers; any subset may be saved, what is missing is shown."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField

from forms.fields import CaseForm, ChoiceField, Chosen, MaxLength, options
from forms.validators import Mobile, Phone
from workflow.cases.registration import ADDRESS_KINDS
from workflow.text import label


class RegistrationForm(CaseForm):
    original_address = StringField(_l("原住址"), validators=[MaxLength(300)])
    destination_address = StringField(_l("去向住址"), validators=[MaxLength(300)])
    address_kind = RadioField(_l("去向类型"), validate_choice=False)
    phone = StringField(_l("手机号码"), validators=[Mobile()])
    backup_name = StringField(_l("备用联系人"), validators=[MaxLength(50)])
    backup_phone = StringField(_l("备用联系人电话"), validators=[Phone()])
    workplace = StringField(_l("工作单位/务工地"), validators=[MaxLength(200)])
    work_city = StringField(_l("务工城市"), validators=[MaxLength(50)])
    org_unit_id = ChoiceField(_l("组织关系所在单位"))
    org_note = StringField(_l("系统外的组织关系"), validators=[MaxLength(200)])

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.address_kind.choices = options((k, label(v)) for k, v in ADDRESS_KINDS.items())
        self.address_kind.validators = [Chosen(_("请选择过渡住址或安置住址"), optional=True)]
        self.org_unit_id.choices = options([(u.id, u.name) for u in units], _("不在本系统内 / 暂不选择"))
        self.org_unit_id.validators = [Chosen(_("请选择组织关系所在单位"), optional=True)]

    def fill(self, entries):
        """Prefill from the current entries; phones stay empty (shown masked as hints)."""
        def get(item, attr):
            entry = entries.get(item)
            return getattr(entry, attr) if entry is not None else None

        self.original_address.data = get("original_address", "address")
        self.destination_address.data = get("destination_address", "address")
        self.address_kind.data = get("destination_address", "address_kind")
        self.backup_name.data = get("contact", "backup_name")
        self.workplace.data = get("workplace", "workplace")
        self.work_city.data = get("workplace", "work_city")
        self.org_unit_id.data = get("org_relation", "org_unit_id")
        self.org_note.data = get("org_relation", "org_note")

    def items(self, entries):
        """Return {item: values} of what was typed; an empty phone keeps the current one."""
        def text(field):
            return (field.data or "").strip() or None

        def keep(item, attr, value):
            entry = entries.get(item)
            return value if value is not None else (getattr(entry, attr) if entry else None)

        out = {}
        if text(self.original_address):
            out["original_address"] = {"address": text(self.original_address)}
        if text(self.destination_address) or self.address_kind.data:
            out["destination_address"] = {"address": text(self.destination_address),
                                          "address_kind": self.address_kind.data or None}
        if text(self.phone) or text(self.backup_name) or text(self.backup_phone):
            out["contact"] = {"phone": keep("contact", "phone", text(self.phone)),
                              "backup_name": text(self.backup_name),
                              "backup_phone": keep("contact", "backup_phone", text(self.backup_phone))}
        if text(self.workplace) or text(self.work_city):
            out["workplace"] = {"workplace": text(self.workplace), "work_city": text(self.work_city)}
        if self.org_unit_id.data or text(self.org_note):
            out["org_relation"] = {"org_unit_id": self.org_unit_id.data, "org_note": text(self.org_note)}
        return out
