"""The figures come from history as of the period's end: reproducible, counted where they happened."""

from datetime import UTC, datetime

import pytest

from tests.support import frozen
from workflow.cases import services
from workflow.process.engine import get_engine
from workflow.reports.monthly import figures, periods

MARCH = datetime(2026, 3, 5, 2, 0, tzinfo=UTC)
MID_MARCH = datetime(2026, 3, 16, 2, 0, tzinfo=UTC)
LATE_MARCH_LOCAL = datetime(2026, 3, 31, 15, 30, tzinfo=UTC)  # 23:30 on 31 March in Shanghai
EARLY_APRIL_LOCAL = datetime(2026, 3, 31, 16, 30, tzinfo=UTC)  # 00:30 on 1 April in Shanghai
APRIL = datetime(2026, 4, 10, 2, 0, tzinfo=UTC)
NOW = datetime(2026, 4, 20, 2, 0, tzinfo=UTC)


def hand_over(make, case, to_unit, at):
    with frozen(at):
        get_engine().fire(case, "hand_over", make.user("demo-worker"), kind="resettle",
                          to_unit=make.unit(to_unit), reason="回迁安置")
        get_engine().fire(case, "accept", make.user("demo-supervisor"))


@pytest.fixture
def march(make):
    """In 绿苑: two followed up and one lost; one of the two moves to 清江 in mid-March."""
    with frozen(MARCH):
        moving = make.case("following")
        make.case("following")
        make.case("lost", unit="机务段家属院党支部")
    hand_over(make, moving, "清江社区党总支", MID_MARCH)
    with frozen(LATE_MARCH_LOCAL):
        make.case("identified", unit="清江花园楼院党支部", worker="qingjiang-worker")
    with frozen(EARLY_APRIL_LOCAL):
        make.case("identified", unit="清江花园楼院党支部", worker="qingjiang-worker")
    return moving


def by_name(table):
    return {row.name: row.cells for row in table.rows}


def street_march(make):
    return figures.draw(make.unit("白云街道党工委"), periods.parse("2026-03", NOW))


def test_a_handover_in_the_middle_of_the_month_counts_once_on_each_side(march, make):
    rows = by_name(street_march(make))
    assert (rows["绿苑社区党总支"]["handed_out"], rows["绿苑社区党总支"]["handed_in"]) == (1, 0)
    assert (rows["清江社区党总支"]["handed_out"], rows["清江社区党总支"]["handed_in"]) == (0, 1)
    # Accepted is 新接收 at 清江; 已安置 comes with its first tasks (settle_in), not in March here.
    assert rows["清江社区党总支"]["resettled"] == 0 and rows["绿苑社区党总支"]["resettled"] == 0
    # At the end of March the moved case is 清江's, the other two stay with 绿苑.
    assert rows["绿苑社区党总支"]["total"] == 2 and rows["绿苑社区党总支"]["lost"] == 1
    assert rows["清江社区党总支"]["total"] == 2


def test_the_month_ends_at_midnight_in_shanghai(march, make):
    rows = by_name(street_march(make))
    assert rows["清江社区党总支"]["listed"] == 1  # 23:30 on 31 March; 00:30 on 1 April is April's
    april = figures.draw(make.unit("白云街道党工委"), periods.parse("2026-04", NOW))
    assert by_name(april)["清江社区党总支"]["listed"] == 1


def test_a_past_month_is_the_same_before_and_after_new_activity(march, make):
    before = street_march(make).frozen()
    with frozen(APRIL):
        make.case("lost")
        other = make.case("following")
    hand_over(make, other, "前程社区党总支", APRIL)
    assert street_march(make).frozen() == before
    april = by_name(figures.draw(make.unit("白云街道党工委"), periods.parse("2026-04", NOW)))
    assert april["前程社区党总支"]["handed_in"] == 1 and april["绿苑社区党总支"]["handed_out"] == 1


def test_each_number_links_to_exactly_its_cases(march, make):
    street = make.unit("白云街道党工委")
    behind = figures.cases_behind(street, periods.parse("2026-03", NOW), "handed_in", make.unit("清江社区党总支").id)
    assert [case.id for case, _name, _masked in behind] == [march.id]
    total = figures.cases_behind(street, periods.parse("2026-03", NOW), "total", None)
    assert len(total) == street_march(make).total["total"] == 4
    with pytest.raises(LookupError, match=str(make.unit("绿苑小区楼院党支部").id)):
        figures.cases_behind(street, periods.parse("2026-03", NOW), "total", make.unit("绿苑小区楼院党支部").id)


def test_a_community_sees_its_branches_as_rows(march, make):
    table = figures.draw(make.unit("绿苑社区党总支"), periods.parse("2026-03", NOW))
    assert list(by_name(table)) == ["绿苑小区楼院党支部", "机务段家属院党支部"]
    assert by_name(table)["机务段家属院党支部"]["lost"] == 1


@pytest.mark.parametrize(("key", "message"), [
    ("2026-13", "报表期间应为"), ("26-03", "报表期间应为"), ("2026-05", "尚未开始"),
])
def test_a_wrong_period_is_refused_in_words(app, key, message):
    with pytest.raises(periods.PeriodError, match=message):
        periods.parse(key, NOW)


def test_self_checkins_count_for_the_unit_the_case_was_in(march, make):
    with frozen(datetime(2026, 3, 20, 2, 0, tzinfo=UTC)):
        services_log = __import__("workflow.member.reports", fromlist=["_check_in"])
        services_log._check_in(march, datetime(2026, 3, 20, 2, 0, tzinfo=UTC))
        services.commit_or_conflict()
    rows = by_name(street_march(make))
    assert rows["清江社区党总支"]["self_checkins"] == 1 and rows["绿苑社区党总支"]["self_checkins"] == 0


def test_counts_and_the_cases_behind_them_agree_after_later_activity(march, make):
    with frozen(APRIL):
        make.case("lost")
        other = make.case("following")
    hand_over(make, other, "前程社区党总支", APRIL)
    street, period = make.unit("白云街道党工委"), periods.parse("2026-03", NOW)
    table = figures.draw(street, period)
    for key in ("total", "registered", "following", "lost"):
        for row in table.rows:
            behind = figures.cases_behind(street, period, key, row.unit_id)
            assert len(behind) == row.cells[key], (key, row.name)
