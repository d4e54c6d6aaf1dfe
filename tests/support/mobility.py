"""A district of party members around the six-month line, for the 流动党员 count tests."""

from datetime import UTC, date, datetime

from tests.support import frozen
from workflow.cases import services
from workflow.db import db
from workflow.mobility import situations
from workflow.models import Case


def moved(make, when, member=True, unit="绿苑小区楼院党支部", worker="demo-worker"):
    """A member who moved out at `when` (following from then on)."""
    with frozen(when):
        return make.case("following", member=member, unit=unit, worker=worker)


def reported(make, case, when, kind="self", outcome="reached"):
    with frozen(when):
        services.log_contact(db.session.get(Case, case.id), make.user("demo-worker"), kind=kind,
                             outcome=outcome, contacted_at=when)
        db.session.commit()


def line_district(make):
    """本地 members around the line (a month end among them), reports that restart it or do not,
    registered members, a resident and a closed case."""
    shanghai = datetime(2026, 2, 28, 16, 30, tzinfo=UTC)  # 00:30 on 03-01 in Shanghai
    cases = {
        "edge_aug31": moved(make, datetime(2026, 8, 30, 17, 0, tzinfo=UTC)),  # 08-31 local: line 2027-02-28
        "early": moved(make, datetime(2026, 1, 5, 2, tzinfo=UTC)),
        "march1_local": moved(make, shanghai),
        "late": moved(make, datetime(2026, 10, 1, 2, tzinfo=UTC)),
        "reset": moved(make, datetime(2026, 1, 5, 2, tzinfo=UTC)),
        "missed": moved(make, datetime(2026, 1, 5, 2, tzinfo=UTC)),
        "phone_only": moved(make, datetime(2026, 1, 5, 2, tzinfo=UTC)),
        "resident": moved(make, datetime(2026, 1, 5, 2, tzinfo=UTC), member=False),
        "elsewhere": moved(make, datetime(2026, 1, 5, 2, tzinfo=UTC), unit="清江花园楼院党支部", worker="qingjiang-worker"),
    }
    reported(make, cases["reset"], datetime(2026, 7, 1, 2, tzinfo=UTC))  # a 平安报到 restarts the line
    reported(make, cases["missed"], datetime(2026, 7, 1, 2, tzinfo=UTC), outcome="not_reached")
    reported(make, cases["phone_only"], datetime(2026, 7, 1, 2, tzinfo=UTC), kind="phone")  # not a report kind
    for name, situation, since in (("long", "long", date(2026, 1, 5)), ("short", "short", date(2026, 2, 1)),
                                   ("abroad", "abroad", date(2026, 1, 5))):
        case = moved(make, datetime(2026, 1, 5, 2, tzinfo=UTC))
        with frozen(datetime(2026, 1, 6, 2, tzinfo=UTC)):
            situations.set_situation(db.session.get(Case, case.id), make.user("demo-worker"), situation=situation,
                                     since=since, dest_province="北京", dest_city="丰台")
        cases[name] = case
    return cases
