"""Helpers of the worker-screen tests: read a form's version, post it, make many cases."""

import re

from sqlalchemy import func, select, text

from workflow.db import db
from workflow.models import AuditEvent, ContactLog, OrgUnit, RegistrationEntry, TransitionRecord


def today():
    from forms.fields import local_today

    return local_today().isoformat()


def version_in(page):
    """The hidden version a screen carries."""
    return re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)


def open_form(client, url):
    """GET a screen and return its version."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return version_in(response.get_data(as_text=True))


def send(client, url, data):
    """Open a screen, then post data with the version it showed; return the response."""
    version = open_form(client, url)
    return client.post(url, data={"version": version, **data})


def rows_written(case_id):
    """Everything a case has written: contacts, history, 五必登 entries, audit rows."""
    return tuple(
        db.session.scalar(select(func.count()).where(model.case_id == case_id))
        for model in (ContactLog, TransitionRecord, RegistrationEntry, AuditEvent)
    )


def error_of(page, field_id):
    """The error shown next to a field, or None."""
    match = re.search(rf'<p class="error" id="{field_id}-error">([^<]*)</p>', page)
    return match.group(1) if match else None


def bulk_cases(count, now):
    """Insert count synthetic people and cases in SQL (fast): every state, every branch.

    Deadlines spread from 60 days overdue to 90 days ahead; a third have none.
    """
    units = db.session.execute(
        select(OrgUnit.id, OrgUnit.path).where(OrgUnit.kind.in_(["courtyard_branch", "building_group"]))
        .order_by(OrgUnit.id)).all()
    postgres = db.engine.dialect.name == "postgresql"
    series = ("SELECT generate_series(1, :n) AS i" if postgres else
              "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < :n) SELECT i FROM s")
    stamp = now.replace(tzinfo=None).isoformat(sep=" ")
    ts = "CAST(:now AS TIMESTAMP)" if postgres else ":now"
    db.session.execute(text(
        "INSERT INTO people (name, gender, birth_date, is_party_member, id_cipher, id_hash, id_masked, "
        "id_last4, reminder_opt_out, created_at) "
        f"SELECT 'bulk' || i, 'M', '1980-01-01', false, 'x', 'bulk-' || i, '4114**********0000', "
        f"'0000', false, {ts} FROM ({series}) AS seq"), {"n": count, "now": stamp})
    unit_cases = " ".join(f"WHEN {k} THEN {uid}" for k, (uid, _path) in enumerate(units))
    path_cases = " ".join(f"WHEN {k} THEN '{path}'" for k, (_uid, path) in enumerate(units))
    states = ["identified", "visited", "in_review", "following", "lost", "handover", "registered", "closed"]
    state_cases = " ".join(f"WHEN {k} THEN '{s}'" for k, s in enumerate(states))
    minutes = "((p.id * 7919) % 216000) - 86400"
    due = (f"{ts} + ({minutes}) * INTERVAL '1 minute'" if postgres else
           f"strftime('%Y-%m-%d %H:%M:%f', :now, ({minutes}) || ' minutes')")
    db.session.execute(text(
        "INSERT INTO cases (person_id, project_id, org_unit_id, org_path, state, version, next_due_at, "
        "state_entered_at, miss_count, created_at, updated_at) "
        f"SELECT p.id, (SELECT min(id) FROM projects) + p.id % 3, CASE p.id % {len(units)} {unit_cases} END, "
        f"CASE p.id % {len(units)} {path_cases} END, CASE p.id % 8 {state_cases} END, 1, "
        f"CASE WHEN p.id % 8 >= 6 THEN NULL ELSE {due} END, "
        f"{ts}, 0, {ts}, {ts} "
        "FROM people p WHERE p.id_hash LIKE 'bulk-%'"), {"now": stamp})
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def checked(page, name, value):
    """Say whether the radio or checkbox name=value is checked on the page."""
    for tag in re.findall(r"<input[^>]*>", page):
        if f'name="{name}"' in tag and f'value="{value}"' in tag:
            return " checked" in tag
    return False


def selected(page, value):
    """Say whether an option with this value is selected on the page."""
    return re.search(rf'<option selected value="{value}">|<option value="{value}" selected>', page) is not None


def settle_in(make, case, username="qingjiang-worker", group="清江社区联络群"):
    """The receiving unit's first tasks done and the case settled (已安置 / 已转出)."""
    from workflow.cases import services
    from workflow.db import utcnow
    from workflow.process.engine import get_engine

    receiver = make.user(username)
    services.record_follow_up(case, receiver, kind="phone", outcome="reached", contacted_at=utcnow())
    services.join_group(case, receiver, group, utcnow())
    get_engine().fire(case, "settle_in", receiver)
    return case
