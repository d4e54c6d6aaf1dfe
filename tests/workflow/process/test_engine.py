"""Every transition of the definition, its guards and roles, one transaction each."""

import pytest
from sqlalchemy import func, select

from tests.support.factories import add_user
from workflow.cases import services
from workflow.db import db, utcnow
from workflow.errors import CaseNotFound, GuardFailed, NotAllowed
from workflow.models import ContactLog, TransitionRecord
from workflow.process.engine import get_engine

RECEIVER = "清江社区党总支"


def contact(case, user, kind="phone", outcome="reached"):
    return services.log_contact(case, user, kind=kind, outcome=outcome, contacted_at=utcnow())


def handed_over(make, source, kind="resettle", external=None):
    case = make.case(source)
    to_unit = None if external else make.unit(RECEIVER)
    get_engine().fire(case, "hand_over", make.user("demo-worker"), kind=kind, to_unit=to_unit, external=external)
    return case


# (trigger, source, dest) -> setup(make) returning (case, actor username, data)
SCENARIOS = {
    ("visit", "identified", "visited"): lambda m: _with_contact(m, "identified", "visit"),
    ("submit", "visited", "in_review"): lambda m: (_registered_visit(m), "demo-worker", {}),
    ("approve", "in_review", "registered"): lambda m: (m.case("in_review"), "demo-supervisor", {}),
    ("send_back", "in_review", "visited"): lambda m: (m.case("in_review"), "demo-supervisor", {"reason": "地址不全"}),
    ("move_out", "registered", "following"): lambda m: (m.case("registered"), "demo-worker", {}),
    ("contact", "following", "following"): lambda m: _with_contact(m, "following"),
    ("contact", "handover", "handover"): lambda m: _with_contact(m, None, case=handed_over(m, "following")),
    ("miss", "following", "following"): lambda m: _with_contact(m, "following", outcome="not_reached"),
    ("miss", "following", "lost"): lambda m: _third_miss(m),
    ("reconnect", "lost", "following"): lambda m: _with_contact(m, "lost"),
    ("hand_over", "registered", "handover"): lambda m: (m.case("registered"), "demo-worker",
                                                        {"kind": "resettle", "to_unit": m.unit(RECEIVER)}),
    ("hand_over", "following", "handover"): lambda m: (m.case("following"), "demo-worker",
                                                       {"kind": "transfer", "to_unit": m.unit(RECEIVER)}),
    ("accept", "handover", "received"): lambda m: (handed_over(m, "registered"), "qingjiang-worker", {}),
    ("contact", "received", "received"): lambda m: _received_contact(m),
    ("settle_in", "received", "resettled"): lambda m: (_first_tasks_done(m, "resettle"), "qingjiang-worker", {}),
    ("settle_in", "received", "transferred"): lambda m: (_first_tasks_done(m, "transfer"), "qingjiang-worker", {}),
    ("reject", "handover", "registered"): lambda m: (handed_over(m, "registered"), "qingjiang-worker", {"reason": "不属本社区"}),
    ("reject", "handover", "following"): lambda m: (handed_over(m, "following"), "qingjiang-worker", {"reason": "不属本社区"}),
    ("record_receipt", "handover", "resettled"): lambda m: (
        handed_over(m, "following", external="郑州市金水区某社区"), "demo-supervisor", {"receipt_number": "HZ-2026-001"}),
    ("record_receipt", "handover", "transferred"): lambda m: (
        handed_over(m, "following", "transfer", external="北京市丰台区党委组织部"), "demo-supervisor", {"receipt_number": "ZC-88"}),
    ("close", "resettled", "closed"): lambda m: (_accepted(m, "resettle"), "qingjiang-worker", {}),
    ("close", "transferred", "closed"): lambda m: (
        _accepted(m, "transfer"), "qingjiang-worker", {}),
}


def _with_contact(make, state, kind="phone", outcome="reached", case=None):
    case = case or make.case(state)
    log = contact(case, make.user("demo-worker"), kind=kind, outcome=outcome)
    return case, "demo-worker", {"contact": log}


def _registered_visit(make):
    case = make.case("visited")
    make.complete_registration(case)
    return case


def _third_miss(make):
    case = make.case("following")
    limit = get_engine().definition.settings["miss_limit"]
    case.miss_count = limit - 1
    db.session.commit()
    return _with_contact(make, None, outcome="not_reached", case=case)


def _received(make, kind):
    case = handed_over(make, "following", kind)
    get_engine().fire(case, "accept", make.user("qingjiang-worker"))
    return case


def _received_contact(make):
    case = _received(make, "resettle")
    return case, "qingjiang-worker", {"contact": contact(case, make.user("qingjiang-worker"))}


def _first_tasks_done(make, kind):
    """The receiver reached the person and added them to its own group."""
    case, receiver = _received(make, kind), make.user("qingjiang-worker")
    services.record_follow_up(case, receiver, kind="phone", outcome="reached", contacted_at=utcnow())
    services.join_group(case, receiver, "清江社区联络群", utcnow())
    return case


def _accepted(make, kind):
    case = _first_tasks_done(make, kind)
    get_engine().fire(case, "settle_in", make.user("qingjiang-worker"))
    return case


def all_transitions():
    definition_path = __import__("workflow.settings", fromlist=["DEFAULTS"]).DEFAULTS["PROCESS_DEFINITION"]
    from workflow.process.definition import load
    from workflow.process.effects import EFFECTS
    from workflow.process.guards import CONDITIONS, GUARDS

    definition = load(definition_path, GUARDS, CONDITIONS, EFFECTS)
    keys = []
    for t in definition.transitions:
        for source in t.sources:
            keys.append((t.trigger, source, source if t.dest == "=" else t.dest))
    return keys


TRANSITIONS = all_transitions()


def test_every_transition_of_the_definition_has_a_scenario():
    assert sorted(TRANSITIONS) == sorted(SCENARIOS), "add a scenario for each new transition"


@pytest.mark.parametrize("trigger, source, dest", TRANSITIONS, ids=lambda v: str(v))
def test_transition_fires_and_writes_history(make, trigger, source, dest):
    case, username, data = SCENARIOS[(trigger, source, dest)](make)
    assert case.state == source
    actor = make.user(username)
    version = case.version
    before = db.session.scalar(select(func.count()).where(TransitionRecord.case_id == case.id))
    reason = data.pop("reason", None)
    record = get_engine().fire(case, trigger, actor, reason=reason, **data)
    db.session.expire_all()
    assert case.state == dest
    assert case.version > version
    rows = db.session.scalars(
        select(TransitionRecord).where(TransitionRecord.case_id == case.id).order_by(TransitionRecord.id)
    ).all()
    assert len(rows) == before + 1
    last = rows[-1]
    assert (last.trigger, last.from_state, last.to_state, last.actor_id, last.reason) == (
        trigger, source, dest, actor.id, reason)
    assert record.id == last.id


ROLES = ["worker", "supervisor", "admin", "secretary"]


def _refused_roles():
    from workflow.models.user import ROLES as ALL
    pairs = []
    seen = set()
    for trigger, source, dest in TRANSITIONS:
        if (trigger, source) in seen:
            continue
        seen.add((trigger, source))
        roles = _roles_of(trigger)
        for role in ALL:
            if role not in roles:
                pairs.append((trigger, source, dest, role))
    return pairs


def _roles_of(trigger):
    import tomllib

    from workflow.settings import DEFAULTS
    with open(DEFAULTS["PROCESS_DEFINITION"], "rb") as handle:
        data = tomllib.load(handle)
    return next(t["roles"] for t in data["transition"] if t["trigger"] == trigger)


@pytest.mark.parametrize("trigger, source, dest, role", _refused_roles(), ids=lambda v: str(v))
def test_roles_not_listed_are_refused(make, trigger, source, dest, role):
    case, username, data = SCENARIOS[(trigger, source, dest)](make)
    street = make.unit("白云街道党工委")
    intruder = add_user(f"{role}-x", role, street)
    state, version = case.state, case.version
    with pytest.raises(NotAllowed, match="不能执行"):
        get_engine().fire(case, trigger, intruder, **data)
    db.session.expire_all()
    assert (case.state, case.version) == (state, version)


def test_submit_without_anything_lists_every_missing_item(make):
    case = make.case("visited")
    case_id = case.id
    with pytest.raises(GuardFailed, match="还不能执行此操作") as err:
        get_engine().fire(case, "submit", make.user("demo-worker"))
    assert err.value.problems == [
        "五必登：原住址未填写", "五必登：去向住址未填写", "五必登：联系方式未填写",
        "五必登：工作单位/务工地未填写", "五必登：组织关系未填写",
        "三个一：尚未发放联系卡", "三个一：尚未加入联络群",
    ]
    db.session.expire_all()
    assert db.session.get(type(case), case_id).state == "visited"


def test_submit_with_a_bad_phone_names_the_item(make):
    case = _registered_visit(make)
    services.save_registration(case, make.user("demo-worker"), {
        "contact": {"phone": "1381234567", "backup_name": "张三", "backup_phone": make.mobile()}})
    with pytest.raises(GuardFailed, match="还不能执行此操作") as err:
        get_engine().fire(case, "submit", make.user("demo-worker"))
    assert err.value.problems == ["五必登：联系方式手机号码无效：应为11位中国大陆手机号"]


def test_visit_without_a_visit_log_is_refused(make):
    case = make.case("identified")
    with pytest.raises(GuardFailed, match="需要先填写入户走访记录"):
        get_engine().fire(case, "visit", make.user("demo-worker"))


def test_send_back_needs_a_reason(make):
    case = make.case("in_review")
    with pytest.raises(GuardFailed, match="请填写原因"):
        get_engine().fire(case, "send_back", make.user("demo-supervisor"), reason="  ")


def test_hand_over_needs_kind_and_target(make):
    case = make.case("following")
    with pytest.raises(GuardFailed, match="还不能执行此操作") as err:
        get_engine().fire(case, "hand_over", make.user("demo-worker"))
    assert err.value.problems == ["请选择移交类型：回迁安置或组织关系转出", "请选择接收单位，或填写系统外的接收地"]


def test_hand_over_to_own_unit_is_refused(make):
    case = make.case("following")
    with pytest.raises(GuardFailed, match="接收单位不能是本单位或上级单位"):
        get_engine().fire(case, "hand_over", make.user("demo-worker"), kind="resettle",
                          to_unit=make.unit("绿苑社区党总支"))


def test_receipt_only_for_handovers_outside_the_system(make):
    case = handed_over(make, "following")
    with pytest.raises(GuardFailed, match="还不能执行此操作") as err:
        get_engine().fire(case, "record_receipt", make.user("demo-supervisor"))
    assert err.value.problems == ["接收单位在本系统内，应由对方接收", "请填写回执编号"]


def test_external_handover_cannot_be_accepted(make):
    case = handed_over(make, "following", external="外省某社区")
    with pytest.raises(CaseNotFound, match="没有找到该案件"):  # nobody in the system receives it
        get_engine().fire(case, "accept", make.user("qingjiang-worker"))


def test_move_out_needs_a_destination(make):
    case = make.case("registered")
    from workflow.models import RegistrationEntry
    db.session.execute(
        RegistrationEntry.__table__.update()
        .where(RegistrationEntry.case_id == case.id, RegistrationEntry.item == "destination_address")
        .values(is_current=False))
    db.session.commit()
    with pytest.raises(GuardFailed, match="搬迁前请先登记去向住址"):
        get_engine().fire(case, "move_out", make.user("demo-worker"))


def test_trigger_not_allowed_in_state_says_so(make):
    case = make.case("identified")
    with pytest.raises(NotAllowed, match="当前状态“待走访”不能执行“审核通过”"):
        get_engine().fire(case, "approve", make.user("demo-supervisor"))


def test_user_outside_the_subtree_cannot_fire(make):
    case = make.case("identified")
    log = contact(case, make.user("demo-worker"), kind="visit")
    with pytest.raises(CaseNotFound, match="没有找到该案件"):
        get_engine().fire(case, "visit", make.user("qingjiang-worker"), contact=log)


def test_receiver_cannot_act_as_owner_and_owner_cannot_accept(make):
    case = handed_over(make, "following")
    with pytest.raises(NotAllowed, match="只有接收单位可以执行“接收”"):
        get_engine().fire(case, "accept", make.user("demo-worker"))
    log = contact(case, make.user("demo-worker"))
    with pytest.raises(NotAllowed, match="只有案件所属单位可以执行“跟踪联系”"):
        get_engine().fire(case, "contact", make.user("qingjiang-worker"), contact=log)


def test_accept_moves_the_case_and_its_deadlines_to_the_receiver(make):
    case = handed_over(make, "following")
    history_before = db.session.scalar(select(func.count()).where(TransitionRecord.case_id == case.id))
    get_engine().fire(case, "accept", make.user("qingjiang-worker"))
    receiver = make.unit(RECEIVER)
    assert case.org_unit_id == receiver.id and case.org_path == receiver.path
    assert case.worker_id == make.user("qingjiang-worker").id
    assert db.session.scalar(select(func.count()).where(TransitionRecord.case_id == case.id)) == history_before + 1
    with pytest.raises(CaseNotFound, match="没有找到该案件"):
        services.load_case(case.id, make.user("demo-worker"))
    assert services.load_case(case.id, make.user("qingjiang-worker")) is case


def test_sender_deadlines_keep_running_during_handover(make):
    case = make.case("following", member=True)
    follow_due = case.next_due_at
    get_engine().fire(case, "hand_over", make.user("demo-worker"), kind="resettle", to_unit=make.unit(RECEIVER))
    assert case.state == "handover"
    # 7 days for the receiver's answer come before the 30-day rhythm; both are tracked.
    assert case.due_kind == "handover"
    assert case.next_due_at < follow_due
    assert services.load_case(case.id, make.user("demo-worker")) is case


def test_available_triggers_follow_role_and_state(make):
    engine = get_engine()
    case = make.case("in_review")
    assert [t.trigger for t in engine.available(case, make.user("demo-worker"))] == []
    assert [t.trigger for t in engine.available(case, make.user("demo-supervisor"))] == ["approve", "send_back"]
    following = make.case("following")
    assert [t.trigger for t in engine.available(following, make.user("demo-worker"))] == [
        "contact", "miss", "hand_over"]
    handover = handed_over(make, "registered")
    assert [t.trigger for t in engine.available(handover, make.user("qingjiang-worker"))] == ["accept", "reject"]
    assert [t.trigger for t in engine.available(handover, make.user("demo-worker"))] == ["contact"]
    # The street supervisor is above both sides: every handover trigger is offered.
    assert [t.trigger for t in engine.available(handover, make.user("demo-supervisor"))] == [
        "contact", "accept", "reject", "record_receipt"]


def test_deadline_follows_the_rhythm_of_party_members_and_residents(make):
    member = make.case("following", member=True)
    resident = make.case("following", member=False)
    assert (member.next_due_at - member.moved_out_at).days == 30
    assert (resident.next_due_at - resident.moved_out_at).days == 90
    assert make.case("identified").due_kind == "identified"


def test_contact_resets_the_rhythm_from_the_contact(make):
    case = make.case("following")
    case_, user, data = _with_contact(make, None, case=case)
    get_engine().fire(case, "contact", make.user(user), **data)
    assert case.last_contact_at == data["contact"].contacted_at
    assert (case.next_due_at - case.last_contact_at).days == 30


def test_failure_mid_transition_changes_nothing(make, monkeypatch):
    case = make.case("following")
    state, version, case_id = case.state, case.version, case.id
    counts = lambda: (  # noqa: E731
        db.session.scalar(select(func.count()).where(ContactLog.case_id == case_id)),
        db.session.scalar(select(func.count()).where(TransitionRecord.case_id == case_id)),
    )
    before = counts()

    def broken(firing):
        firing.case.miss_count = 99
        raise RuntimeError("disk full")

    from workflow.process import effects
    monkeypatch.setitem(effects.EFFECTS, "reset_misses", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        services.record_follow_up(case, make.user("demo-worker"), kind="phone", outcome="reached",
                                  contacted_at=utcnow(), new_phone="13912345678")
    db.session.expire_all()
    fresh = db.session.get(type(case), case_id)
    assert (fresh.state, fresh.version, fresh.miss_count) == (state, version, 0)
    assert counts() == before
    from workflow.cases import registration
    assert registration.current_entries(case_id)["contact"].phone != "13912345678"


def test_history_only_triggers_have_labels(app):
    engine = get_engine()
    assert engine.trigger_label("list") == "列入名单"
    assert engine.trigger_label("reassign") == "改派责任人"
    assert engine.trigger_label("approve") == "审核通过"


def test_the_receiving_unit_has_its_own_first_tasks_before_the_case_settles(make):
    case = _received(make, "resettle")
    receiver = make.user("qingjiang-worker")
    days = get_engine().definition.states["received"].deadline_days
    assert case.state == "received" and case.group_name is None
    assert (case.next_due_at - case.state_entered_at).days == days and case.due_kind == "received"
    with pytest.raises(GuardFailed, match="接收后尚未首次联系本人") as refused:
        get_engine().fire(case, "settle_in", receiver)
    assert "三个一：尚未加入联络群" in refused.value.problems
    services.record_follow_up(case, receiver, kind="phone", outcome="reached", contacted_at=utcnow())
    services.join_group(case, receiver, "清江社区联络群", utcnow())
    get_engine().fire(case, "settle_in", receiver)
    assert case.state == "resettled" and case.next_due_at is None
