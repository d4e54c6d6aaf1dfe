"""Migration 0010 gives every existing party-member case a situation; residents get none."""

import flask_migrate
from sqlalchemy import select

from workflow import MIGRATIONS
from workflow.cases import registration
from workflow.db import db
from workflow.models import Case, MobilityRecord


def test_existing_members_get_a_derived_situation_and_residents_none(app, make):
    flask_migrate.downgrade(directory=MIGRATIONS, revision="0013_households")  # the revision before 0010_mobility
    at_home = make.case("registered")  # not moved out: 本地
    away = make.case("following")  # moved out, works in another city (the walker registers work_city)
    resident = make.case("following", member=False)
    moved_no_city = make.case("following")
    registration.record(db.session.get(Case, moved_no_city.id), "workplace", make.user("demo-worker"),
                        workplace="本地超市", work_city="")
    db.session.commit()
    ids = (at_home.id, away.id, resident.id, moved_no_city.id)
    db.session.remove()
    flask_migrate.upgrade(directory=MIGRATIONS)
    rows = {r.case_id: r for r in db.session.scalars(select(MobilityRecord))}
    assert set(rows) == {at_home.id, away.id, moved_no_city.id}, ids
    assert rows[at_home.id].situation == "local" and rows[moved_no_city.id].situation == "local"
    assert rows[away.id].situation == "long" and rows[away.id].dest_city
    assert all(r.is_current and r.source == "migration" for r in rows.values())
