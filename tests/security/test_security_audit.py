"""The audit trail is append-only in the database itself, and the acts that exist leave rows."""

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DatabaseError

from tests.support.factories import PASSWORD
from workflow.db import db
from workflow.models import AuditEvent, TransitionRecord
from workflow.models.audit import record
from workflow.privacy import reveal

APPEND_ONLY = ["audit_events", "transition_records"]


@pytest.fixture
def rows(app, make):
    """An audit row and the history rows of one case."""
    case = make.case("registered")
    record("test_event", case=case, note="original")
    db.session.commit()
    return case


def refused(statement):
    with pytest.raises(DatabaseError, match="append-only") as err:
        db.session.execute(statement)
        db.session.commit()
    db.session.rollback()
    return str(err.value)


@pytest.mark.parametrize("table", APPEND_ONLY)
def test_update_delete_and_truncate_are_refused_by_the_database(rows, table, backend):
    before = db.session.execute(text(f"SELECT * FROM {table} ORDER BY id")).all()
    assert before
    assert "append-only" in refused(text(f"UPDATE {table} SET id = id + 1000"))
    assert "append-only" in refused(text(f"DELETE FROM {table}"))
    assert "append-only" in refused(text(f"DELETE FROM {table} WHERE id = {before[0].id}"))
    if backend == "postgresql":  # SQLite has no TRUNCATE: its DELETE without WHERE is refused above
        assert "append-only" in refused(text(f"TRUNCATE {table} CASCADE"))
    assert db.session.execute(text(f"SELECT * FROM {table} ORDER BY id")).all() == before


def test_the_orm_cannot_rewrite_history_either(rows):
    refused(update(AuditEvent).values(action="nothing_happened"))
    refused(delete(TransitionRecord).where(TransitionRecord.case_id == rows.id))
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "test_event"))
    event.detail = {"note": "rewritten"}
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "test_event")) == {"note": "original"}


def test_appending_still_works(rows):
    record("another", note="x")
    db.session.commit()
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 2


def test_the_acts_that_exist_today_each_leave_a_row(app, client, auth, make):
    auth.login(password="wrong")
    for _ in range(5):
        auth.login(password="wrong")
    db.session.execute(text("DELETE FROM login_attempts"))  # lift the lock (attempts are not audit)
    db.session.commit()
    auth.login()
    client.post("/account/password", data={"old_password": PASSWORD, "new_password": "Another-pass-2027",
                                           "confirm": "Another-pass-2027"})
    client.post("/account/sessions/end-others")
    case = make.case("registered")  # list, visit, submit, approve: transitions
    reveal.reveal_id_number(case, make.user("demo-worker"), "核对")
    reveal.reveal_id_numbers([case], make.user("demo-supervisor"), "台账", purpose="export")
    auth.logout()
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"login_failed", "login_throttled", "login", "password_changed", "session_ended",
            "reveal_id", "reveal_id_bulk", "logout"} <= actions
    triggers = db.session.scalars(select(TransitionRecord.trigger).where(TransitionRecord.case_id == case.id)
                                  .order_by(TransitionRecord.id)).all()
    assert triggers == ["list", "visit", "submit", "approve"]


def test_free_text_shaped_like_an_id_number_is_stored_masked(app, make):
    number = make.id_number()
    record("import", note=f"row 3: {number}", rows=[{"id": number}], count=1)
    db.session.commit()
    detail = db.session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "import"))
    assert number not in repr(detail)
    assert detail == {"note": f"row 3: {number[:4]}**********{number[-4:]}",
                      "rows": [{"id": f"{number[:4]}**********{number[-4:]}"}], "count": 1}
