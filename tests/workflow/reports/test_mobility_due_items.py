"""The due list reads the registered mobile members' deadlines through a SQL prefilter (who may
have one within the lead days): it must show exactly what computing every registered member's
clocks shows, on any day, at month ends and local midnights too."""

from datetime import UTC, date, datetime, timedelta

import pytest

from tests.support import frozen
from tests.support.mobility import reported
from workflow.cases import registration
from workflow.db import db
from workflow.mobility import certificates, situations, tasks
from workflow.mobility.policy import get_policy
from workflow.models import Case
from workflow.reports import mobility

T0 = datetime(2026, 1, 5, 2, tzinfo=UTC)
# Since dates at month ends (add_months clamps them) and in the middle of a month.
SINCE = (date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 5, 15), date(2026, 8, 31))


def situated(make, situation, since, unit="绿苑小区楼院党支部", worker="demo-worker"):
    with frozen(T0):
        case = make.case("following", unit=unit, worker=worker)
        situations.set_situation(db.session.get(Case, case.id), make.user(worker), situation=situation,
                                 since=since, dest_province="北京", dest_city="丰台")
    return case


@pytest.fixture
def district(make):
    """Members in every flagged situation at varied since dates; reports of a report kind and of
    another kind, reached and not, on both sides of a local midnight; 活动证 with near and far
    ends; a resettlement address (应转尽转); a second community."""
    cases = [situated(make, situation, since) for situation in ("long", "abroad", "graduate", "short")
             for since in SINCE]
    cases.append(situated(make, "long", date(2026, 2, 28), unit="清江花园楼院党支部", worker="qingjiang-worker"))
    by = {(c.id): c for c in cases}
    long_ids = [c.id for c in cases[:5]]
    abroad_ids = [c.id for c in cases[5:10]]
    # reports: 15:59 UTC is 23:59 local, 16:00 UTC the next local day
    reported(make, by[long_ids[0]], datetime(2026, 6, 30, 15, 59, tzinfo=UTC), kind="self")
    reported(make, by[long_ids[1]], datetime(2026, 8, 30, 16, 0, tzinfo=UTC), kind="report")
    reported(make, by[long_ids[2]], datetime(2026, 9, 1, 2, tzinfo=UTC), kind="phone")  # not a report kind
    reported(make, by[long_ids[3]], datetime(2026, 9, 1, 2, tzinfo=UTC), kind="self", outcome="not_reached")
    reported(make, by[abroad_ids[0]], datetime(2026, 4, 30, 16, 0, tzinfo=UTC), kind="phone")  # any reached kind
    reported(make, by[abroad_ids[1]], datetime(2026, 10, 31, 15, 59, tzinfo=UTC), kind="org_life")
    reported(make, by[abroad_ids[2]], datetime(2026, 11, 2, 2, tzinfo=UTC), kind="phone", outcome="not_reached")
    worker = make.user("demo-worker")
    with frozen(T0 + timedelta(days=1)):
        for number, (case_id, expires_on) in enumerate(((long_ids[0], date(2026, 12, 31)),
                                                        (long_ids[4], date(2027, 8, 31)),
                                                        (abroad_ids[3], date(2027, 2, 28)))):
            certificates.issue(db.session.get(Case, case_id), worker, number=f"BJ-{number}",
                               issued_on=date(2026, 1, 6), expires_on=expires_on, duration_months=24,
                               reason="务工", dest_province="北京", dest_city="丰台")
    with frozen(datetime(2026, 9, 10, 2, tzinfo=UTC)):
        registration.record(db.session.get(Case, long_ids[2]), "destination_address", worker,
                            address="北京市丰台区花乡某小区", address_kind="resettlement")
        registration.record(db.session.get(Case, long_ids[3]), "destination_address", worker,
                            address="北京市丰台区临时安置点", address_kind="transitional")
        db.session.commit()
    return cases


def reference(path, now):
    """Every registered member's clocks computed in Python, as before the prefilter."""
    policy, today = get_policy(), now.astimezone(mobility.zone()).date()
    flagged = {s.name for s in policy.situations.values() if s.mobile or s.abroad or s.graduate}
    pairs = [(r, i) for r in mobility.subtree_rows(path, now) if r.situation in flagged
             for i in tasks.items(r, policy, today) if i.kind != "line"]
    return sorted((r.case_id, i.kind, i.due_on, i.overdue) for r, i in pairs)


def instants():
    """Every nine days over two and a half years, and each month's end at 23:59 and 00:00 local."""
    found, day = [], datetime(2026, 3, 1, 4, tzinfo=UTC)
    while day < datetime(2028, 9, 1, tzinfo=UTC):
        found.append(day)
        day += timedelta(days=9)
    for year in (2026, 2027, 2028):
        for month in range(1, 13):
            first = date(year + (month == 12), month % 12 + 1, 1)
            found += [datetime(first.year, first.month, first.day, tzinfo=UTC) - timedelta(hours=8, minutes=1),
                      datetime(first.year, first.month, first.day, tzinfo=UTC) - timedelta(hours=8)]
    return found


def test_the_due_items_equal_the_full_computation_on_every_day(district, make):
    paths = (make.unit("白云街道党工委").path, make.unit("绿苑社区党总支").path)
    shown = set()
    for now in instants():
        for path in paths:
            got = sorted((r.case_id, i.kind, i.due_on, i.overdue) for r, i in mobility.due_items(path, now))
            assert got == reference(path, now), (now, path)
            shown |= {kind for _, kind, _, _ in got}
    # the days above do reach every kind of deadline: the comparison is not one of empty lists
    assert shown == {"report", "abroad", "certificate", "graduate", "transfer"}


def test_a_member_nothing_is_due_for_is_not_read_row_by_row(district, make):
    """The point of the prefilter: of the 21 registered members, only those with a deadline near
    (here: the one settled elsewhere, whose 应转尽转 task is open) have their row read."""
    quiet, street = datetime(2026, 3, 1, 4, tzinfo=UTC), make.unit("白云街道党工委").path  # clocks months away
    assert [(kind, overdue) for _, kind, _, overdue in reference(street, quiet)] == [("transfer", True)]
    assert [row.case_id for row in mobility._due_candidates(street, quiet)] == [district[2].id]
