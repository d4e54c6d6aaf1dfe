"""The clocks computed from the situation and the contact history, on chosen days."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from workflow.mobility import clocks as clocks_module
from workflow.mobility.clocks import Facts, add_months, compute, months_and_days
from workflow.mobility.policy import load
from workflow.settings import DEFAULTS


@pytest.fixture
def policy(monkeypatch):
    """The default policy, read from its file; days are Shanghai days (no app needed)."""
    monkeypatch.setattr(clocks_module, "zone", lambda: ZoneInfo("Asia/Shanghai"))
    return load(DEFAULTS["MOBILITY_POLICY"], {"transferred", "closed"})


def facts(**changes):
    base = dict(situation="local", since=date(2026, 1, 1), moved_out_at=datetime(2026, 3, 2, 2, tzinfo=UTC),
                last_report_at=None, last_reached_at=None, certificate_expires_on=None, settled_on=None,
                may_hand_over=True)
    return Facts(**{**base, **changes})


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2026, 8, 31), 6, date(2027, 2, 28)),  # the month is shorter: its last day
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
    (date(2026, 11, 15), 3, date(2027, 2, 15)),
])
def test_months_are_calendar_months(day, months, expected):
    assert add_months(day, months) == expected


def test_months_and_days_never_go_negative():
    assert months_and_days(date(2026, 3, 2), date(2026, 8, 14)) == (5, 12)
    assert months_and_days(date(2026, 3, 31), date(2026, 4, 30)) == (1, 0)  # the 31st of a short month is its last day
    assert months_and_days(date(2026, 5, 1), date(2026, 4, 1)) == (0, 0)


def test_the_line_runs_from_the_move_out_until_a_report_restarts_it(policy):
    clocks = compute(facts(), policy, date(2026, 9, 1))
    assert clocks.line_on == date(2026, 9, 2) and not clocks.crossed
    assert compute(facts(), policy, date(2026, 9, 2)).crossed
    later = compute(facts(last_report_at=datetime(2026, 6, 1, 4, tzinfo=UTC)), policy, date(2026, 9, 2))
    assert later.line_on == date(2026, 12, 1) and not later.crossed


def test_a_registered_mobile_member_has_a_yearly_report_and_no_line_task(policy):
    clocks = compute(facts(situation="long", since=date(2026, 3, 2)), policy, date(2026, 12, 1))
    assert clocks.report_due_on == date(2027, 3, 2) and clocks.mobile and not clocks.crossed
    reported = compute(facts(situation="long", since=date(2026, 3, 2),
                             last_report_at=datetime(2026, 11, 30, 16, 30, tzinfo=UTC)), policy, date(2026, 12, 1))
    assert reported.report_due_on == date(2027, 12, 1)  # 00:30 on 12-01 in Shanghai


def test_abroad_counts_any_reached_contact_and_graduates_have_two_years(policy):
    abroad = compute(facts(situation="abroad", since=date(2026, 3, 2),
                           last_reached_at=datetime(2026, 5, 10, 4, tzinfo=UTC)), policy, date(2026, 6, 1))
    assert abroad.abroad_due_on == date(2026, 11, 10)
    graduate = compute(facts(situation="graduate", since=date(2026, 7, 1)), policy, date(2026, 8, 1))
    assert graduate.graduate_until == date(2028, 7, 1) and graduate.report_due_on is None


def test_transfer_is_suggested_only_when_settled_long_term_and_no_handover_began(policy):
    settled = facts(situation="long", since=date(2026, 3, 2), settled_on=date(2026, 4, 1))
    assert compute(settled, policy, date(2026, 5, 1)).transfer_since == date(2026, 4, 1)
    assert compute(facts(settled_on=date(2026, 4, 1)), policy, date(2026, 5, 1)).transfer_since is None
    handing = Facts(**{**settled.__dict__, "may_hand_over": False})
    assert compute(handing, policy, date(2026, 5, 1)).transfer_since is None
