"""Households and 流动党员 / 活动证 in the monthly report: as of the period's end, counted where they were."""

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from tests.support import frozen
from workflow.db import db
from workflow.households import members
from workflow.mobility import certificates, situations
from workflow.models import Case
from workflow.reports.monthly import figures, periods
from workflow.reports.monthly.measures import MEASURES

JANUARY = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)
MARCH = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
APRIL = datetime(2026, 4, 10, 2, 0, tzinfo=UTC)
NOW = datetime(2026, 7, 20, 2, 0, tzinfo=UTC)
STREET, LVYUAN, QINGJIANG = "白云街道党工委", "绿苑社区党总支", "清江社区党总支"


def fresh(case):
    return db.session.get(Case, case.id)


def report(make, key, unit=STREET):
    return {row.name: row.cells for row in figures.draw(make.unit(unit), periods.parse(key, NOW)).rows}


def move_away(make, case, situation="long", since=date(2026, 3, 1), worker="demo-worker"):
    situations.set_situation(fresh(case), make.user(worker), situation=situation, since=since,
                             dest_province="北京", dest_city="丰台")


def issue(make, case, number, issued_on, expires_on, months=6):
    return certificates.issue(fresh(case), make.user("demo-worker"), number=number, issued_on=issued_on,
                              expires_on=expires_on, duration_months=months, reason="务工",
                              dest_province="北京", dest_city="丰台")


def hand_over(make, case, to_unit):
    from workflow.process.engine import get_engine
    get_engine().fire(fresh(case), "hand_over", make.user("demo-worker"), kind="resettle",
                      to_unit=make.unit(to_unit), reason="回迁安置")
    get_engine().fire(fresh(case), "accept", make.user("demo-supervisor"))


def test_households_count_once_each_for_the_unit_that_listed_them(make):
    worker = make.user("demo-worker")
    with frozen(MARCH):
        people = [make.case("following") for _ in range(4)]
        family = members.create_household(worker, people[0], number="H-1")
        for case in people[1:3]:
            members.add_member(worker, family, case)
        members.create_household(worker, people[3], number="H-2")
    march = report(make, "2026-03")
    with frozen(APRIL):
        members.create_household(worker, make.case("following"), number="H-3")
    assert report(make, "2026-03") == march  # a household listed later does not rewrite March
    assert (march[LVYUAN]["households"], march[LVYUAN]["total"]) == (2, 4)
    assert report(make, "2026-04")[LVYUAN]["households"] == 3
    behind = figures.cases_behind(make.unit(STREET), periods.parse("2026-03", NOW), "households", None)
    assert sorted(case.id for case, _name, _masked in behind) == sorted([people[0].id, people[3].id])  # the 户主


def test_a_mobile_member_counts_by_the_situation_and_unit_at_the_end(make):
    with frozen(MARCH):
        staying_away, back_home = make.case("following"), make.case("following")
        make.case("following")  # never away: not a mobile member
        move_away(make, staying_away)
        move_away(make, back_home)
    with frozen(APRIL):
        move_away(make, back_home, situation="local", since=date(2026, 4, 8))
        hand_over(make, staying_away, QINGJIANG)
    march, april = report(make, "2026-03"), report(make, "2026-04")
    assert march[LVYUAN]["mobile"] == 2 and march.get(QINGJIANG, {}).get("mobile", 0) == 0
    assert april[LVYUAN]["mobile"] == 0 and april[QINGJIANG]["mobile"] == 1
    behind = figures.cases_behind(make.unit(STREET), periods.parse("2026-03", NOW), "mobile", make.unit(LVYUAN).id)
    assert sorted(case.id for case, _n, _m in behind) == sorted([staying_away.id, back_home.id])


def test_activity_cards_are_counted_as_they_stood_at_the_end(make):
    worker = make.user("demo-worker")
    with frozen(JANUARY):
        renewed = make.case("following")
        move_away(make, renewed, since=date(2026, 1, 1))
        old = issue(make, renewed, "BY-1", date(2026, 1, 5), date(2026, 3, 20), months=3)
    with frozen(MARCH):
        fresh_card, revoked, late = make.case("following"), make.case("following"), make.case("following")
        for case in (fresh_card, revoked, late):
            move_away(make, case)
        issue(make, fresh_card, "BY-2", date(2026, 3, 2), date(2026, 9, 1))
        taken_back = issue(make, revoked, "BY-3", date(2026, 3, 3), date(2026, 9, 2))
    march_before = report(make, "2026-03")
    with frozen(APRIL):
        certificates.renew(fresh(renewed), db.session.get(type(old), old.id), worker,
                           expires_on=date(2026, 7, 5), duration_months=6)
        certificates.revoke(fresh(revoked), db.session.get(type(taken_back), taken_back.id), worker,
                            reason="本人返回", revoked_on=date(2026, 4, 9))
        issue(make, late, "BY-4", date(2026, 3, 15), date(2026, 9, 15))  # entered in April, dated March
    march, april, january = report(make, "2026-03"), report(make, "2026-04"), report(make, "2026-01")
    assert march == march_before  # renewals, revocations and late entries after March leave March alone
    row = march[LVYUAN]
    assert (row["cards_issued"], row["cards_valid"], row["cards_lapsed"]) == (2, 2, 1)  # BY-1 ran out on 20 March
    assert row["cards_expiring"] == 0
    row = april[LVYUAN]
    assert (row["cards_issued"], row["cards_valid"], row["cards_lapsed"]) == (1, 3, 0)  # BY-4 counts in April
    assert january[LVYUAN]["cards_issued"] == 1 and january[LVYUAN]["cards_valid"] == 1
    assert report(make, "2026-02")[LVYUAN]["cards_expiring"] == 1  # BY-1: 20 March, the month after February
    assert april[LVYUAN]["cards_expiring"] == 0 and report(make, "2026-06")[LVYUAN]["cards_expiring"] == 1  # 5 July
    behind = figures.cases_behind(make.unit(STREET), periods.parse("2026-03", NOW), "cards_lapsed", None)
    assert [case.id for case, _n, _m in behind] == [renewed.id]


@pytest.fixture
def busy_street(make):
    """Activity of every kind over two months, in two communities."""
    worker = make.user("demo-worker")
    with frozen(MARCH):
        cases = [make.case(state) for state in ("identified", "registered", "following", "following", "lost")]
        make.case("following", unit="清江花园楼院党支部", worker="qingjiang-worker")
        household = members.create_household(worker, cases[0])
        members.add_member(worker, household, cases[1])
        move_away(make, cases[2])
        issue(make, cases[2], "BZ-1", date(2026, 3, 2), date(2026, 4, 1), months=1)
    with frozen(APRIL):
        hand_over(make, cases[3], QINGJIANG)
        make.case("following")
        move_away(make, cases[3], worker="qingjiang-worker")


@pytest.mark.parametrize("key", ["2026-03", "2026-04", "2026"])
def test_measures_counted_together_agree_with_each_counted_alone(busy_street, make, key):
    columns = [SimpleNamespace(measure=name) for name in MEASURES]
    period = periods.parse(key, NOW)
    for unit in (make.unit(STREET), make.unit(LVYUAN)):
        together = figures.count_columns(columns, unit, period)
        alone = {name: sorted(map(tuple, figures.count_one(name, unit, period))) for name in MEASURES}
        assert {name: sorted(map(tuple, counts)) for name, counts in together.items()} == alone
        assert any(alone.values())  # the district is not empty: the comparison compares something
