"""Write one append-only row with a Core INSERT and hand it back as a loaded ORM object."""

from sqlalchemy import insert
from sqlalchemy.orm import make_transient_to_detached

from workflow.db import db

_INSERTS = {}


def insert_row(model, values):
    """INSERT one row in the session's transaction; return it as a persistent model object.

    For hot paths (a transition's history row, its contact log): through the unit of work
    such a row costs more than its statement. values must name every column the caller
    will read; the others load on first access. Pending changes are flushed first, as a
    flush would have done.
    """
    db.session.flush()
    statement = _INSERTS.get(model)
    if statement is None:
        statement = _INSERTS[model] = insert(model.__table__)
    new_id = db.session.execute(statement, values).inserted_primary_key[0]
    # An object of a rolled-back row may still sit under the same id (SQLite hands out the
    # highest rowid again); that row never reached the database.
    stale = db.session.identity_map.get(db.session.identity_key(model, new_id))
    if stale is not None:
        db.session.expunge(stale)
    row = model(id=new_id, **values)
    make_transient_to_detached(row)
    db.session.add(row)
    return row
