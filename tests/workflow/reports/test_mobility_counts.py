"""The 流动党员 counts take a short cut for the 本地 crowd (the line in SQL): it must give
exactly what computing every member's clocks gives, on any day, at month ends too."""

from datetime import UTC, datetime

import pytest

from tests.support.mobility import line_district
from workflow.mobility.policy import get_policy
from workflow.reports import mobility, mobility_board


@pytest.fixture
def district(make):
    return line_district(make)


def full_counts(path, now):
    """The reference: every member's clocks computed in Python, as before the short cut."""
    policy, today = get_policy(), now.astimezone(mobility.zone()).date()
    rows = mobility.subtree_rows(path, now)
    return ({b: sum(mobility_board.in_bucket(r, b, policy, today) for r in rows) for b in mobility_board.BUCKETS},
            {b: sorted(r.case_id for r in rows if mobility_board.in_bucket(r, b, policy, today))
             for b in mobility_board.BUCKETS})


@pytest.mark.parametrize("now", [
    datetime(2026, 7, 4, 15, 59, tzinfo=UTC), datetime(2026, 7, 4, 16, 0, tzinfo=UTC),  # the early ones' line
    datetime(2026, 8, 31, 16, 0, tzinfo=UTC), datetime(2027, 2, 27, 16, 0, tzinfo=UTC),  # 08-31 + 6 months
    datetime(2027, 2, 28, 15, 59, tzinfo=UTC), datetime(2027, 3, 31, 16, 0, tzinfo=UTC),
    datetime(2027, 6, 1, 4, 0, tzinfo=UTC),
])
def test_the_tiles_and_their_lists_equal_the_full_computation(district, make, now):
    for path in (None, make.unit("白云街道党工委").path, make.unit("绿苑社区党总支").path):
        counts, lists = full_counts(path, now)
        board = mobility_board.board(path, now)
        assert {b: board.counts[b] for b in counts} == counts
        for bucket in mobility_board.BUCKETS:
            assert sorted(r.case_id for r in mobility_board.chosen(path, now, bucket=bucket)) == lists[bucket], bucket
    # the month end, by name: moved out 08-31 (Shanghai), the line is 02-28
    edge = district["edge_aug31"].id
    line_ids = lambda when: {r.case_id for r in mobility_board.chosen(None, when, bucket="line")}  # noqa: E731
    assert (edge in line_ids(now)) == (now >= datetime(2027, 2, 27, 16, 0, tzinfo=UTC))


def test_the_line_tile_counts_only_who_has_crossed(district, make):
    now = datetime(2026, 8, 1, 4, tzinfo=UTC)  # 2026-08-01: those moved out 01-05 crossed on 07-05
    line = {r.case_id for r in mobility_board.chosen(None, now, bucket="line")}
    d = district
    assert {d["early"].id, d["missed"].id, d["phone_only"].id, d["elsewhere"].id} <= line
    assert not {d["reset"].id, d["late"].id, d["resident"].id, d["long"].id, d["abroad"].id} & line
    assert d["short"].id in line  # 短期外出 since 02-01: its line is 08-01, computed in Python
    assert mobility_board.board(None, now).counts["line"] == len(line)
