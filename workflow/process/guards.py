"""Named guards and conditions the definition refers to.

A guard returns the list of what is missing (Chinese, one item each); an empty list
lets the trigger fire. A condition only chooses between transitions of one trigger.
Both receive the Firing (case, actor, data, now) of workflow/engine.py.
"""

from flask_babel import gettext as _

from workflow.cases import registration
from workflow.models.registration import ITEMS
from workflow.text import label

GUARDS = {}
CONDITIONS = {}


def guard(func):
    GUARDS[func.__name__] = func
    return func


def condition(func):
    CONDITIONS[func.__name__] = func
    return func


@guard
def visit_logged(f):
    contact = f.data.get("contact")
    if contact is None or contact.kind != "visit":
        return [_("需要先填写入户走访记录")]
    return []


@guard
def contact_logged(f):
    return [] if f.data.get("contact") is not None else [_("需要先填写联系记录")]


@guard
def first_contact_done(f):
    """The receiving unit has reached the person since it accepted the case."""
    done = f.case.last_contact_at is not None and f.case.last_contact_at >= f.case.state_entered_at
    return [] if done else [_("接收后尚未首次联系本人")]


@guard
def home_visit_done(f):
    return [] if f.case.visited_at else [_("三个一：尚未入户走访")]


@guard
def contact_card_issued(f):
    return [] if f.case.card_issued_at else [_("三个一：尚未发放联系卡")]


@guard
def liaison_group_joined(f):
    return [] if f.case.group_joined_at else [_("三个一：尚未加入联络群")]


@guard
def five_registers_complete(f):
    problems = []
    for item, status, _entry, problem in registration.statuses(f.case.id):
        if status != "complete":
            problems.append(_("五必登：%(item)s%(problem)s", item=label(ITEMS[item]), problem=problem))
    return problems


@guard
def destination_known(f):
    entry = registration.current_entries(f.case.id).get("destination_address")
    if registration.entry_problem("destination_address", entry) is not None:
        return [_("搬迁前请先登记去向住址")]
    return []


@guard
def handover_target_given(f):
    kind, unit, external = f.data.get("kind"), f.data.get("to_unit"), f.data.get("external")
    problems = []
    if kind not in ("resettle", "transfer"):
        problems.append(_("请选择移交类型：回迁安置或组织关系转出"))
    if unit is None and not (external or "").strip():
        problems.append(_("请选择接收单位，或填写系统外的接收地"))
    elif unit is not None and f.case.org_path.startswith(unit.path):
        problems.append(_("接收单位不能是本单位或上级单位"))
    return problems


@guard
def handover_inside_system(f):
    return [] if f.case.handover_to_unit_id else [_("接收地不在本系统内，应由督导登记回执")]


@guard
def handover_outside_system(f):
    return [] if not f.case.handover_to_unit_id else [_("接收单位在本系统内，应由对方接收")]


@guard
def receipt_number_given(f):
    return [] if (f.data.get("receipt_number") or "").strip() else [_("请填写回执编号")]


@condition
def reaches_miss_limit(f):
    return f.case.miss_count + 1 >= f.definition.settings.get("miss_limit", 3)


@condition
def is_resettlement(f):
    return f.case.handover_kind == "resettle"


@condition
def handed_over_from_registered(f):
    return f.case.handover_from_state == "registered"
