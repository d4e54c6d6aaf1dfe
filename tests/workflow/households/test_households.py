"""Households: shared addresses entered on each member, one visit and one move for all, duplicates refused."""

import pytest
from sqlalchemy import select

from workflow.cases import registration
from workflow.db import db, utcnow
from workflow.errors import Conflict, NotAllowed
from workflow.households import addresses, members, moves, visits
from workflow.households.errors import AlreadyInHousehold, MembersRefused
from workflow.models import AuditEvent, Case, ContactLog, TransitionRecord


def fresh(case):
    return db.session.get(Case, case.id)


def family(make, worker, states=("identified", "identified", "identified"), number=None):
    cases = [make.case(state) for state in states]
    household = members.create_household(worker, cases[0], number=number)
    for case in cases[1:]:
        members.add_member(worker, household, case)
    return household, cases


def versions(cases):
    return {c.id: c.version for c in cases}


def current_address(case, item):
    db.session.expire_all()
    return registration.current_entries(case.id).get(item)


def test_shared_addresses_become_each_members_entries_with_history(make):
    worker = make.user("demo-worker")
    household, cases = family(make, worker)
    addresses.set_addresses(worker, household, original="平原路1号", destination="安置小区2栋",
                            destination_kind="transitional", expected_version=household.version)
    addresses.set_addresses(worker, household, original="平原路1号", destination="安置小区3栋",
                            destination_kind="resettlement", expected_version=household.version)
    for case in cases:
        assert current_address(case, "original_address").address == "平原路1号"
        assert current_address(case, "destination_address").address == "安置小区3栋"
        assert [e.address for e in registration.history(case.id, "destination_address")] == ["安置小区3栋", "安置小区2栋"]


def test_a_members_own_address_overrides_the_households(make):
    worker = make.user("demo-worker")
    household, (head, student, third) = family(make, worker)
    addresses.set_addresses(worker, household, original="平原路1号", destination="安置小区2栋",
                            destination_kind="transitional", expected_version=household.version)
    from workflow.cases import services
    services.save_registration(fresh(student), worker, {"destination_address": {
        "address": "郑州大学宿舍", "address_kind": "transitional"}})
    addresses.set_addresses(worker, household, original="平原路1号", destination="安置小区9栋",
                            destination_kind="resettlement", expected_version=household.version)
    assert current_address(student, "destination_address").address == "郑州大学宿舍"
    assert current_address(head, "destination_address").address == "安置小区9栋"
    assert current_address(student, "original_address").address == "平原路1号"


def test_an_address_change_waits_for_a_member_in_review_and_changes_nothing(make):
    worker = make.user("demo-worker")
    household, cases = family(make, worker, ("in_review", "identified"))  # the head's addresses are the family's
    version = household.version
    with pytest.raises(MembersRefused, match="登记信息已冻结"):
        addresses.set_addresses(worker, household, original="新地址", destination=household.destination_address,
                                destination_kind=household.destination_kind, expected_version=version)
    db.session.expire_all()
    assert household.version == version
    assert [current_address(c, "original_address").address for c in cases] == [household.original_address] * 2


def test_one_visit_moves_every_ticked_member_and_writes_their_history(make):
    worker = make.user("demo-worker")
    household, cases = family(make, worker)
    ticked = cases[:2]
    visits.record_household_visit(worker, household, versions(ticked), contacted_at=utcnow(), outcome="reached")
    db.session.expire_all()
    assert [fresh(c).state for c in cases] == ["visited", "visited", "identified"]
    for case in ticked:
        triggers = db.session.scalars(select(TransitionRecord.trigger).where(TransitionRecord.case_id == case.id))
        assert "visit" in list(triggers)


def test_a_stale_member_undoes_the_whole_visit(make):
    worker = make.user("demo-worker")
    household, cases = family(make, worker)
    seen = versions(cases)
    seen[cases[2].id] -= 1  # someone changed the third case since the screen was opened
    with pytest.raises(MembersRefused, match="该案件已被其他人修改"):
        visits.record_household_visit(worker, household, seen, contacted_at=utcnow(), outcome="reached")
    db.session.expire_all()
    assert [fresh(c).state for c in cases] == ["identified"] * 3
    assert db.session.scalar(select(ContactLog.id).where(ContactLog.case_id.in_([c.id for c in cases]))) is None


def test_a_lost_race_inside_the_transaction_leaves_nothing_half_done(make, monkeypatch):
    worker = make.user("demo-worker")
    household, cases = family(make, worker)
    from workflow.process.engine import Engine
    real = Engine._fire

    def racing(self, case, trigger, *args):
        if case.id == cases[2].id:
            raise Conflict()
        return real(self, case, trigger, *args)

    monkeypatch.setattr(Engine, "_fire", racing)
    with pytest.raises(Conflict, match="该案件已被其他人修改"):
        visits.record_household_visit(worker, household, versions(cases), contacted_at=utcnow(), outcome="reached")
    db.session.expire_all()
    assert [fresh(c).state for c in cases] == ["identified"] * 3


def test_moving_together_lists_who_cannot_and_moves_nobody(make):
    worker = make.user("demo-worker")
    household, cases = family(make, worker, ("registered", "registered", "in_review"))
    addresses.set_addresses(worker, household, original="平原路1号", destination="安置小区2栋",
                            destination_kind="transitional", expected_version=household.version)
    db.session.expire_all()
    with pytest.raises(MembersRefused, match="当前状态“待审核”不能执行“搬迁”") as refused:
        moves.move_household(worker, household, "move_out", versions(cases))
    assert [c.id for c, _reason in refused.value.refusals] == [cases[2].id]
    assert [fresh(c).state for c in cases] == ["registered", "registered", "in_review"]
    moves.move_household(worker, household, "move_out", versions(cases[:2]))
    db.session.expire_all()
    assert [fresh(c).state for c in cases] == ["following", "following", "in_review"]


def test_a_household_hand_over_moves_each_case_with_the_same_target(make):
    worker = make.user("demo-worker")
    household, cases = family(make, worker, ("following", "following"))
    target = make.unit("清江社区党总支")
    moves.move_household(worker, household, "hand_over", versions(cases), kind="resettle", to_unit_id=target.id,
                         reason="回迁安置")
    db.session.expire_all()
    assert [(fresh(c).state, fresh(c).handover_to_unit_id) for c in cases] == [("handover", target.id)] * 2


def test_a_guard_failing_for_one_member_is_listed(make):
    worker = make.user("demo-worker")
    household, cases = family(make, worker, ("registered", "registered"))
    with pytest.raises(MembersRefused, match="请选择移交类型") as refused:
        moves.move_household(worker, household, "hand_over", versions(cases), reason="回迁")
    assert len(refused.value.refusals) == 2
    db.session.expire_all()
    assert [fresh(c).state for c in cases] == ["registered"] * 2


def test_a_person_in_another_household_of_the_project_is_refused_then_moved_explicitly(make):
    worker = make.user("demo-worker")
    first, (head, child) = family(make, worker, ("identified", "identified"), number="H-001")
    second = members.create_household(worker, make.case("identified"), number="H-002")
    with pytest.raises(AlreadyInHousehold, match="另一户") as refused:
        members.add_member(worker, second, child)
    assert refused.value.household.id == first.id
    with pytest.raises(NotAllowed, match="请填写调整原因"):
        members.move_member(worker, second, child, "")
    members.move_member(worker, second, head, "户主随子女另立户")
    db.session.expire_all()
    assert members.membership(head.id).household_id == second.id
    assert members.membership(child.id).is_head  # the family left keeps a 户主
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "household_move"))
    assert audit.detail["from_household_id"] == first.id and audit.detail["reason"] == "户主随子女另立户"


def test_the_same_household_number_twice_in_a_project_is_refused(make):
    worker = make.user("demo-worker")
    family(make, worker, ("identified",), number="H-7")
    with pytest.raises(AlreadyInHousehold, match="另一户"):
        members.create_household(worker, make.case("identified"), number="H-7")


def test_households_outside_the_subtree_are_not_found(make):
    worker = make.user("demo-worker")
    household, _cases = family(make, worker, ("identified",))
    from tests.support.factories import add_user
    from workflow.errors import CaseNotFound
    add_user("other-w", "worker", make.unit("清江社区党总支"))
    with pytest.raises(CaseNotFound, match="没有找到该案件"):
        members.load_household(household.id, make.user("other-w"))
