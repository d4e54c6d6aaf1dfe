"""The domain commands, run as an operator would."""

import pytest
from sqlalchemy import func, select

from workflow.db import db
from workflow.models import Case, HouseholdMember, User


def test_create_user_binds_to_a_unit(runner):
    result = runner.invoke(args=["create-user", "li-si", "--role", "worker", "--unit", "前程社区党总支",
                                 "--password", "long-enough-1"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "li-si"))
    assert user.org_unit.name == "前程社区党总支" and user.check_password("long-enough-1")


def test_create_user_with_unknown_unit_fails_clearly(runner):
    result = runner.invoke(args=["create-user", "x", "--role", "worker", "--unit", "不存在", "--password", "long-enough-1"])
    assert result.exit_code != 0 and "org unit '不存在': not found" in result.output


def test_create_user_refuses_duplicate_and_short_password(runner):
    dup = runner.invoke(args=["create-user", "demo-worker", "--role", "worker", "--unit", "前程社区党总支",
                              "--password", "long-enough-1"])
    assert "exists already" in dup.output
    short = runner.invoke(args=["create-user", "new", "--role", "worker", "--unit", "前程社区党总支", "--password", "short"])
    assert "at least 8 characters" in short.output


def test_seed_demo_fills_every_state(empty_app, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-x")
    result = empty_app.test_cli_runner().invoke(args=["seed-demo", "--people", "120"])
    assert result.exit_code == 0, result.output
    states = dict(db.session.execute(select(Case.state, func.count()).group_by(Case.state)).all())
    assert set(states) == set(empty_app.extensions["process_engine"].definition.states)
    assert sum(states.values()) == 120
    sizes = db.session.execute(select(func.count()).select_from(HouseholdMember)
                               .group_by(HouseholdMember.household_id)).scalars().all()
    assert sum(sizes) == 120 and min(sizes) == 1 and max(sizes) <= 6 and len(set(sizes)) >= 4
    users = {u.username: u for u in db.session.scalars(select(User))}
    assert {"demo-worker", "demo-supervisor", "demo-admin"} <= set(users)
    assert users["demo-worker"].check_password("demo-pass-x")
    assert users["demo-supervisor"].org_unit.kind == "street"
    again = empty_app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert again.exit_code == 0 and "not loaded" in again.output
    assert db.session.scalar(select(func.count(Case.id))) == 120


def test_process_diagram_prints_the_svg_of_the_definition(runner):
    result = runner.invoke(args=["process-diagram"])
    assert result.exit_code == 0
    assert result.output.startswith("<svg")
    assert 'data-from="in_review" data-to="visited"' in result.output
    assert ">待走访<" in result.output and "退回修改" in result.output
    english = runner.invoke(args=["process-diagram", "--lang", "en"]).output
    assert ">To visit<" in english and ">待走访<" not in english


@pytest.mark.heavy
def test_the_demo_shows_a_district_at_work(empty_app):
    """Most cases on time, a realistic share overdue, and a six-month link-health trend."""
    from workflow.db import utcnow
    from workflow.models import HealthSnapshot

    result = empty_app.test_cli_runner().invoke(args=["seed-demo", "--people", "300"])
    assert result.exit_code == 0, result.output
    now = utcnow()
    dated = db.session.scalar(select(func.count(Case.id)).where(Case.next_due_at.is_not(None)))
    late = db.session.scalar(select(func.count(Case.id)).where(Case.next_due_at < now))
    share = late / dated
    print(f"demo: {late} of {dated} dated cases overdue ({share:.0%})")
    assert 0.10 <= share <= 0.20
    months = db.session.scalars(select(HealthSnapshot.month).distinct()).all()
    assert len(months) == 7  # six past months backfilled, and this one
    following = db.session.scalar(select(func.sum(HealthSnapshot.following)).where(HealthSnapshot.month == min(months)))
    assert following and following > 10
    # After the scheduler's first run a supervisor finds a handful of notices, not dozens:
    # escalations come as one daily 督办 list, to the nearest supervisors only.
    from workflow.accounts import inbox

    ran = empty_app.test_cli_runner().invoke(args=["scheduler", "run-once"])
    assert ran.exit_code == 0 and "deliver:" in ran.output, ran.output
    bells = {u.username: inbox.unread_count(u) for u in db.session.scalars(select(User).where(User.role == "supervisor"))}
    print(f"demo bells after the first scheduler run: {bells}")
    assert bells and all(1 <= n <= 12 for n in bells.values()), bells
