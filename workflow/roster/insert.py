"""Write a confirmed roster's new rows: people, cases, their listing history, the given 五必登."""

from types import SimpleNamespace

from sqlalchemy import insert, select

from workflow.db import db
from workflow.models import Case, Person, RegistrationEntry, TransitionRecord
from workflow.privacy import pii
from workflow.privacy.identity import id_facts
from workflow.process import deadlines
from workflow.process.engine import get_engine
from workflow.roster.households import insert_households

# Core inserts into the tables: one executemany each, every value given, without the
# ORM's per-row bulk bookkeeping (an ORM bulk insert cost a fifth of the confirmation).
PEOPLE, CASES, HISTORY, ENTRIES = (m.__table__ for m in (Person, Case, TransitionRecord, RegistrationEntry))
BATCH = 500  # keys per IN (...) when reading new ids back


def insert_rows(rows, project, viewer, worker, now, batch_id):
    """Write people, cases, their first history row and the given 五必登, in bulk."""
    if not rows:
        return
    fresh = {r.id_hash: r for r in rows if r.person_id is None}
    if fresh:
        db.session.execute(insert(PEOPLE), [_person(r, now) for r in fresh.values()])
        for person_id, id_hash in _read_back(select(PEOPLE.c.id, PEOPLE.c.id_hash), PEOPLE.c.id_hash, list(fresh)):
            fresh[id_hash].person_id = person_id
    definition = get_engine().definition
    db.session.execute(insert(CASES), [_case(r, project, worker, definition, now) for r in rows])
    ids = dict(_read_back(select(CASES.c.person_id, CASES.c.id).where(CASES.c.project_id == project.id),
                          CASES.c.person_id, [r.person_id for r in rows]))
    case_ids = [ids[r.person_id] for r in rows]
    db.session.execute(insert(HISTORY), [
        {"case_id": cid, "trigger": "list", "from_state": "", "to_state": definition.initial,
         "actor_id": viewer.id, "at": now, "data": {"import_batch_id": batch_id}, "org_path": row.unit.path}
        for row, cid in zip(rows, case_ids, strict=True)
    ])
    entries = [e for row, cid in zip(rows, case_ids, strict=True) for e in _entries(row, cid, viewer, now)]
    if entries:
        db.session.execute(insert(ENTRIES), entries)
    insert_households(rows, case_ids, project, viewer, now)


def _read_back(query, key, values):
    """Yield the rows just inserted, found by their unique natural key in batches.

    Not INSERT ... RETURNING: for many rows that becomes multi-VALUES statements of
    thousands of parameters, which psycopg parses in Python page by page (most of a
    10,000-row import on PostgreSQL); a plain executemany and indexed lookups are not.
    """
    for start in range(0, len(values), BATCH):
        yield from db.session.execute(query.where(key.in_(values[start:start + BATCH])))


def _person(row, now):
    birth, gender = id_facts(row.id_number)
    return {"name": row.name, "gender": gender, "birth_date": birth, "is_party_member": row.member,
            "reminder_opt_out": False, "created_at": now,
            **pii.id_columns(row.id_number, row.id_hash)}  # hashed by the lookup just before


def _case(row, project, worker, definition, now):
    stand_in = SimpleNamespace(state=definition.initial, state_entered_at=now, moved_out_at=None,
                               last_contact_at=None, person=SimpleNamespace(is_party_member=row.member))
    due_at, due_kind = deadlines.next_deadline(definition, stand_in)
    return {"person_id": row.person_id, "project_id": project.id, "org_unit_id": row.unit.id,
            "org_path": row.unit.path, "worker_id": worker.id if worker else None, "state": definition.initial,
            "version": 1, "next_due_at": due_at, "due_kind": due_kind, "state_entered_at": now,
            "miss_count": 0, "created_at": now, "updated_at": now}


def _entries(row, case_id, viewer, now):
    # Every row has the same keys, so all of them go in one executemany.
    common = {"case_id": case_id, "is_current": True, "source": "import", "recorded_at": now,
              "recorded_by_id": viewer.id, "address": None, "phone": None}
    out = []
    if row.address:
        out.append({**common, "item": "original_address", "address": row.address[:300]})
    if row.phone:
        out.append({**common, "item": "contact", "phone": row.phone})
    return out
