"""Mass assignment: post every state-changing route with fields it should never honour."""

from sqlalchemy import func, select

from tests.support.security.formdata import plausible_form
from tests.support.security.routes import STATE_CHANGING, all_rules, build, int_args, methods, variants
from tests.support.security.world import own_values, sign_in, snapshot
from workflow.db import db
from workflow.models import Case, TransitionRecord, User


def mass_assignment_problems(app, synth, actor, cases, foreign_unit, foreign_user):
    """POST every state-changing route with extra fields that try to set state, unit, owner
    and role; return every change that did not come through the action meant for it."""
    injected = {
        "state": "closed", "version": "999", "org_unit_id": foreign_unit.id, "org_path": foreign_unit.path,
        "worker_id": foreign_user.id, "handover_to_unit_id": foreign_unit.id, "handover_to_path": foreign_unit.path,
        "person_id": "1", "project_id": "999", "role": "admin", "active": "0",
        "user_id": foreign_user.id, "id": "1", "created_at": "2000-01-01",
    }
    problems = []
    client = app.test_client()
    for rule in all_rules(app):
        for method in sorted(set(methods(rule)) & STATE_CHANGING):
            for option in variants(app, rule):
                urls = {case.id: build(rule, {**option, **own_values(rule, case, actor, int_args)}) for case in cases}
                # A URL that names none of the cases is posted once, watching every case.
                groups = [cases] if len(set(urls.values())) == 1 else [[case] for case in cases]
                for watched in groups:
                    problems += _probe(client, synth, actor, method, urls[watched[0].id], watched, injected)
    return problems


def _probe(client, synth, actor, method, url, watched, injected):
    """Post url once with the injected fields; the changes to the watched cases and the actor."""
    sign_in(client, actor)  # some routes end the session: start each probe afresh
    before = {case.id: snapshot(case) for case in watched}
    history = db.session.scalar(select(func.max(TransitionRecord.id)))
    user_before = _user_facts(db.session.get(User, actor.id))
    client.open(url, method=method, data=plausible_form(synth, watched[0], **injected))
    problems = []
    for case in watched:
        after = snapshot(case)
        db.session.expire_all()
        written = db.session.scalars(select(TransitionRecord).where(
            TransitionRecord.case_id == case.id, TransitionRecord.id > (history or 0))).all()
        where = f"{actor.role} {method} {url} ({before[case.id]['state']})"
        problems += _case_changes(where, before[case.id], after, written, injected)
        if db.session.get(Case, case.id).version == 999:
            problems.append(f"{where}: took the version from the form")
    if _user_facts(db.session.get(User, actor.id)) != user_before:
        problems.append(f"{actor.role} {method} {url}: changed the user's own role/unit/active")
    return problems


def _user_facts(user):
    return (user.role, user.org_unit_id, user.active, user.username)


def _case_changes(where, before, after, written, injected):
    """Changes to a case's state, unit, owner or handover that no history row accounts for."""
    problems = []
    moved_by = {record.to_state for record in written}
    if after["state"] != before["state"] and after["state"] not in moved_by:
        problems.append(f"{where}: state {before['state']} -> {after['state']} without a transition")
    for key in ("org_unit_id", "org_path", "handover_to_unit_id"):
        if after[key] != before[key] and not written:
            problems.append(f"{where}: {key} changed without a transition")
    if after["org_unit_id"] == injected["org_unit_id"] != before["org_unit_id"]:
        problems.append(f"{where}: moved the case into the unit given in the form")
    if after["worker_id"] == injected["worker_id"] != before["worker_id"]:
        problems.append(f"{where}: gave the case to a user outside the subtree")
    for key in ("person_id", "project_id"):
        if after[key] != before[key]:
            problems.append(f"{where}: {key} changed")
    return problems
