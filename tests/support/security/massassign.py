"""Mass assignment: post every state-changing route with fields it should never honour."""

from typing import NamedTuple

from sqlalchemy import func, select

from tests.support.security.formdata import plausible_form
from tests.support.security.routes import STATE_CHANGING, all_rules, build, int_args, methods, variants
from tests.support.security.world import own_values, sign_in, snapshot
from workflow.db import db
from workflow.models import TransitionRecord, User


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
    who, case_ids = _Actor(actor.id, actor.role), [case.id for case in cases]
    for rule in all_rules(app):
        for method in sorted(set(methods(rule)) & STATE_CHANGING):
            for option in variants(app, rule):
                urls = [build(rule, {**option, **own_values(rule, case, actor, int_args)}) for case in cases]
                # A URL that names none of the cases is posted once, watching every case.
                if len(set(urls)) == 1:
                    problems += _probe(client, synth, who, method, urls[0], case_ids, injected)
                    continue
                for url, case_id in zip(urls, case_ids, strict=True):
                    problems += _probe(client, synth, who, method, url, [case_id], injected)
    return problems


class _Actor(NamedTuple):
    id: int
    role: str


class _Version(NamedTuple):
    version: int  # what plausible_form reads of a case


def _probe(client, synth, actor, method, url, ids, injected):
    """Post url once with the injected fields; the changes to the cases of ids and the actor.
    Read back by id in plain statements: the request's commits expire every loaded object,
    and reloading them was most of a probe's own cost."""
    sign_in(client, actor)  # some routes end the session: start each probe afresh
    before = {case_id: snapshot(case_id) for case_id in ids}
    history = db.session.scalar(select(func.max(TransitionRecord.id))) or 0
    user_before = _user_facts(actor.id)
    form = plausible_form(synth, _Version(before[ids[0]]["version"]), **injected)
    client.open(url, method=method, data=form)
    written = {}
    for case_id, to_state in db.session.execute(select(TransitionRecord.case_id, TransitionRecord.to_state).where(
            TransitionRecord.case_id.in_(ids), TransitionRecord.id > history)):
        written.setdefault(case_id, []).append(to_state)
    problems = []
    for case_id in ids:
        after = snapshot(case_id)
        where = f"{actor.role} {method} {url} ({before[case_id]['state']})"
        problems += _case_changes(where, before[case_id], after, written.get(case_id, []), injected)
        if after["version"] == 999:
            problems.append(f"{where}: took the version from the form")
    if _user_facts(actor.id) != user_before:
        problems.append(f"{actor.role} {method} {url}: changed the user's own role/unit/active")
    return problems


def _user_facts(user_id):
    return db.session.execute(select(User.role, User.org_unit_id, User.active, User.username)
                              .where(User.id == user_id)).one()


def _case_changes(where, before, after, written, injected):
    """Changes to a case's state, unit, owner or handover that no history row accounts for."""
    problems = []
    moved_by = set(written)  # the states the case's new history rows moved it to
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
