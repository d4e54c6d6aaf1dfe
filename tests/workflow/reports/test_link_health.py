"""Link health: 跟踪中 contacted within their rhythm, 失联, and the monthly trend from history."""

from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import select

from workflow.cases import services
from workflow.db import db
from workflow.models import HealthSnapshot
from workflow.reports import link_health

MOVED = datetime(2026, 8, 10, 2, 0, tzinfo=UTC)
CONTACT = datetime(2026, 9, 5, 2, 0, tzinfo=UTC)
MISSES = datetime(2026, 10, 20, 2, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)


def _follow_up(case, worker, outcome, at):
    with time_machine.travel(at, tick=False):
        services.record_follow_up(case, worker, kind="phone", outcome=outcome, contacted_at=at, now=at)


@pytest.fixture
def history(make):
    """Three people moved out on 10 Aug: X (member) reached on 5 Sep, Y (resident) never
    reached, Z (member) missed three times on 20 Oct and so lost."""
    with time_machine.travel(MOVED, tick=False):
        x = make.case("following", member=True)
        y = make.case("following", member=False)
        z = make.case("following", member=True, unit="机务段家属院党支部")
    worker = make.user("demo-worker")
    _follow_up(x, worker, "reached", CONTACT)
    for _ in range(3):
        _follow_up(z, worker, "not_reached", MISSES)
    assert z.state == "lost"
    return x, y, z


def test_live_numbers_use_the_stored_deadline(history, make):
    numbers = link_health.current_numbers(make.unit("白云街道党工委"), NOW)
    courtyard = numbers[make.unit("绿苑小区楼院党支部").id]
    # X was due 5 Oct (30 days after the contact), Y 8 Nov (90 days after the move): both late.
    assert courtyard == {"following": 2, "in_rhythm": 0, "lost": 0}
    assert numbers[make.unit("机务段家属院党支部").id] == {"following": 0, "in_rhythm": 0, "lost": 1}
    early = link_health.current_numbers(make.unit("白云街道党工委"), datetime(2026, 10, 1, tzinfo=UTC))
    assert early[make.unit("绿苑小区楼院党支部").id]["in_rhythm"] == 2


def test_backfill_rebuilds_month_ends_from_history(history, make):
    assert link_health.backfill(6, NOW) == ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]
    _rows, overall = link_health.report(make.user("demo-supervisor"), NOW, months=6)
    got = {month: (n["following"], n["in_rhythm"], n["lost"]) for month, n in overall}
    assert got == {
        "2026-06": (0, 0, 0), "2026-07": (0, 0, 0),
        "2026-08": (3, 3, 0),  # all moved on 10 Aug: within every rhythm on 31 Aug
        "2026-09": (3, 2, 0),  # Z (member) not reached for 51 days
        "2026-10": (2, 1, 1),  # X's contact is 56 days old; Y still within 90; Z lost
        "2026-11": (2, 0, 1),  # live: both deadlines passed
    }


def test_months_without_snapshots_say_no_data(history, make):
    _rows, overall = link_health.report(make.user("demo-supervisor"), NOW, months=3)
    assert [m for m, _n in overall] == ["2026-09", "2026-10", "2026-11"]
    assert overall[0][1] is None and overall[1][1] is None and overall[2][1]["following"] == 2


def test_snapshot_stores_this_month_and_replaces_it_when_run_again(history, make):
    link_health.take_snapshot(NOW)
    link_health.take_snapshot(NOW)
    rows = {s.org_unit_id: s for s in db.session.scalars(
        select(HealthSnapshot).where(HealthSnapshot.month == "2026-11"))}
    courtyard = rows[make.unit("绿苑小区楼院党支部").id]
    assert (courtyard.following, courtyard.in_rhythm, courtyard.lost) == (2, 0, 0)
    assert make.unit("白云街道党工委").id in rows  # the root marks the month as taken


def test_branch_rows_carry_their_trend_worst_first(history, make):
    link_health.backfill(6, NOW)
    rows, _overall = link_health.report(make.user("lvyuan-supervisor"), NOW, months=6)
    assert [r.unit.name for r in rows] == ["机务段家属院党支部", "绿苑小区楼院党支部"]  # the lost one first
    courtyard = rows[1]
    assert courtyard.months[0] == ("2026-06", {})  # stored, nothing in follow-up yet
    assert [(m, n["in_rhythm"]) for m, n in courtyard.months[2:]] == [
        ("2026-08", 2), ("2026-09", 2), ("2026-10", 1), ("2026-11", 0)]


def test_month_boundaries_are_local_time(app):
    months = link_health.recent_months(datetime(2026, 10, 31, 17, 0, tzinfo=UTC), 2)
    # 17:00 UTC on 31 Oct is already 1 Nov in Shanghai.
    assert [m for m, _end in months] == ["2026-10", "2026-11"]
    assert months[0][1] == datetime(2026, 10, 31, 16, 0, tzinfo=UTC)


def test_cli_backfills_and_snapshots(runner, history):
    result = runner.invoke(args=["link-health", "backfill", "--months", "2", "--at", "2026-11-20T12:00:00+08:00"])
    assert result.exit_code == 0, result.output
    assert "2026-09: rebuilt" in result.output and "2026-10: rebuilt" in result.output
    result = runner.invoke(args=["link-health", "snapshot", "--at", "2026-11-20T12:00:00"])
    assert result.exit_code != 0 and "zone" in result.output
    result = runner.invoke(args=["link-health", "snapshot", "--at", "2026-11-20T12:00:00+08:00"])
    assert result.exit_code == 0 and "2026-11" in result.output


def test_dashboard_shows_the_trend_per_branch(client, auth, history):
    link_health.backfill(6, NOW)
    with time_machine.travel(NOW, tick=False):
        auth.login("lvyuan-supervisor")
        page = client.get("/supervisor/").get_data(as_text=True)
    assert 'data-table="trend-table"' in page
    for month in ("2026-08", "2026-09", "2026-10", "2026-11"):
        assert f'data-chart-label="{month}"' in page
    assert "67%" in page  # September in 绿苑: 2 of 3 contacted on time
