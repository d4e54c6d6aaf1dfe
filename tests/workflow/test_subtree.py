"""Subtree conditions: exactly the paths under a unit, on both backends, literal or bound."""

import pytest
from sqlalchemy import column, select, table, text

from workflow.db import db
from workflow.subtree import bound_under, bounds, checked, under

PATHS = ["/1/", "/1/2/", "/1/2/7/", "/1/2/70/", "/1/20/", "/1/3/", "/1/22/", "/1/2"]
paths = table("tmp_paths", column("path"))


@pytest.fixture
def path_table(app):
    db.session.execute(text("CREATE TEMPORARY TABLE tmp_paths (path VARCHAR(255))"))
    db.session.execute(paths.insert(), [{"path": p} for p in PATHS])
    yield
    db.session.rollback()


def test_under_and_bound_under_find_the_subtree_and_nothing_beside_it(path_table):
    literal = db.session.scalars(select(paths.c.path).where(under(paths.c.path, "/1/2/"))).all()
    statement = select(paths.c.path).where(bound_under(paths.c.path, db.engine.dialect.name))
    bound = db.session.scalars(statement, bounds("/1/2/")).all()
    assert sorted(literal) == sorted(bound) == ["/1/2/", "/1/2/7/", "/1/2/70/"]
    assert sorted(db.session.scalars(statement, bounds("/1/")).all()) == sorted(PATHS)  # all start with "/1/"


@pytest.mark.parametrize("bad", ["", "1/2/", "/1/2", "/1/a/", "/1/2/%", None])
def test_what_is_not_an_org_path_is_refused(bad):
    with pytest.raises(ValueError, match="not an org path"):
        checked(bad)
