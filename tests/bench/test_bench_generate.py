"""The benchmark district generator: fast bulk rows that the engine and the pages accept as their own."""

import pytest
from sqlalchemy import func, select

from bench.generate import DEFAULT_PASSWORD, generate
from workflow.cases import registration, services
from workflow.db import db, utcnow
from workflow.demo.district import PATH
from workflow.models import Case, ContactLog, OrgUnit, Person, TransitionRecord, User
from workflow.privacy import pii
from workflow.privacy.identity import clean_id_number, mask_id
from workflow.process.deadlines import next_deadline
from workflow.process.engine import get_engine

CASES = 300


@pytest.fixture
def district(empty_app):
    """A tiny generated district on an empty migrated database (SQLite and PostgreSQL)."""
    return generate(CASES, seed=3)


def _allowed(definition, trigger, before, after):
    if trigger == "list":
        return before == "" and after == definition.initial
    return any(t.trigger == trigger and before in t.sources and (t.dest == after or (t.dest == "=" and after == before))
               for t in definition.transitions)


def test_every_state_is_generated_with_the_counts_reported(district):
    assert set(district["states"]) == set(PATH)
    assert sum(district["states"].values()) == CASES
    for state, count in district["states"].items():
        assert db.session.scalar(select(func.count()).where(Case.state == state)) == count
    assert db.session.scalar(select(func.count()).select_from(TransitionRecord)) == district["rows"]["transition_records"]


def test_stored_deadlines_are_what_the_engine_computes(district):
    definition = get_engine().definition
    cases = db.session.scalars(select(Case)).all()
    for case in cases:
        assert (case.next_due_at, case.due_kind) == next_deadline(definition, case), case
    due = [c.next_due_at for c in cases if c.next_due_at is not None]
    now = utcnow()
    assert any(d < now for d in due) and any(d > now for d in due)  # some overdue, most ahead
    assert sum(d < now for d in due) < len(due) / 2


def test_history_walks_the_process_and_ends_in_the_case_state(district):
    definition = get_engine().definition
    for case in db.session.scalars(select(Case)):
        steps = db.session.scalars(select(TransitionRecord).where(TransitionRecord.case_id == case.id)
                                   .order_by(TransitionRecord.at, TransitionRecord.id)).all()
        assert steps[0].trigger == "list"
        previous = ""
        for step in steps:
            assert step.from_state == previous, (case.id, step.trigger)
            assert _allowed(definition, step.trigger, step.from_state, step.to_state), (case.id, step.trigger)
            previous = step.to_state
        assert previous == case.state
        assert case.version == len(steps)


def test_submitted_cases_have_all_five_registers_and_the_three_ones(district):
    for case in db.session.scalars(select(Case).where(Case.state.not_in(["identified", "visited"]))):
        assert [status for _item, status, _e, _p in registration.statuses(case.id)] == ["complete"] * 5
        assert case.visited_at and case.card_issued_at
        # 新接收: the receiving unit's own 联络群 is one of its first tasks, still to do
        assert case.group_joined_at or case.state == "received"
        visits = db.session.scalar(select(func.count()).where(ContactLog.case_id == case.id, ContactLog.kind == "visit"))
        assert visits >= 1


def test_id_numbers_are_valid_encrypted_and_indexed(district):
    people = db.session.scalars(select(Person)).all()
    assert len(people) == CASES
    for person in people[:50]:
        number = pii.decrypt(person.id_cipher)
        assert clean_id_number(number) == number
        assert person.id_hash == pii.blind_index(number)
        assert person.id_masked == mask_id(number)
        assert person.birth_date.strftime("%Y%m%d") == number[6:14]


def test_cases_sit_in_the_org_tree_by_their_unit_path(district):
    units = {u.id: u for u in db.session.scalars(select(OrgUnit))}
    kinds = {u.kind for u in units.values()}
    assert {"street", "community", "courtyard_branch", "building_group", "mobile_branch", "mobile_group"} <= kinds
    for unit in units.values():
        parent = units.get(unit.parent_id)
        assert unit.path == (parent.path if parent else "/") + f"{unit.id}/"
    for case in db.session.scalars(select(Case)):
        assert case.org_path == units[case.org_unit_id].path


def test_the_engine_fires_on_generated_cases(district):
    in_review = db.session.scalars(select(Case).where(Case.state == "in_review")).first()
    street = in_review.org_path.split("/")[1]
    supervisor = db.session.scalar(select(User).where(User.username == "s1-supervisor"))
    assert supervisor.org_unit.path == f"/{street}/"
    get_engine().fire(in_review, "approve", supervisor)
    assert in_review.state == "registered"

    following = db.session.scalars(select(Case).where(Case.state == "following")).first()
    worker = db.session.get(User, following.worker_id)
    services.record_follow_up(following, worker, kind="phone", outcome="reached", contacted_at=utcnow())
    assert following.state == "following" and following.due_kind == "follow_up"


def test_generated_workers_log_in_and_see_their_due_list(district, empty_app):
    client = empty_app.test_client()
    response = client.post("/login", data={"username": "c1-worker1", "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "逾期" in page and 'class="case-row' in page


def test_generator_refuses_a_database_that_has_data(app):
    with pytest.raises(RuntimeError, match="empty"):
        generate(10)


def test_every_case_is_in_a_household_of_one_to_six_with_a_head(district):
    from workflow.models import Household, HouseholdMember
    sizes = db.session.execute(select(func.count()).select_from(HouseholdMember)
                               .group_by(HouseholdMember.household_id)).scalars().all()
    assert sum(sizes) == CASES and 1 <= min(sizes) and max(sizes) <= 6
    assert 2.3 <= CASES / len(sizes) <= 3.1  # about 2.7 people a household
    heads = db.session.scalar(select(func.count()).where(HouseholdMember.is_head.is_(True)))
    assert heads == len(sizes) == district["rows"]["households"]
    mixed = db.session.scalar(
        select(func.count()).select_from(HouseholdMember)
        .join(Household, Household.id == HouseholdMember.household_id)
        .join(Case, Case.id == HouseholdMember.case_id).where(Case.project_id != Household.project_id))
    assert mixed == 0
