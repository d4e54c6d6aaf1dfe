"""`flask pii rotate-key`: every row re-encrypted and re-indexed under the new key; idempotent, resumable."""

import base64

import pytest
from sqlalchemy import select

from workflow.cases import services
from workflow.db import db
from workflow.models import AuditEvent, Person
from workflow.privacy import keyrotation, pii

OLD = base64.b64encode(b"k" * 32).decode()  # TEST_CONFIG's PII_KEY
NEW = base64.b64encode(b"n" * 32).decode()
LOST = base64.b64encode(b"z" * 32).decode()


@pytest.fixture
def people(app, make):
    """Five people sealed with the old key, and their plain numbers."""
    cases = [make.case(state) for state in ("identified", "registered", "following", "handover", "closed")]
    return {c.person_id: pii.decrypt(c.person.id_cipher) for c in cases}


def switch_key(app, previous=(OLD,)):
    app.config["PII_KEY"] = NEW
    app.config["PII_PREVIOUS_KEYS"] = list(previous)


def rows():
    db.session.expire_all()
    return db.session.scalars(select(Person).order_by(Person.id)).all()


def test_rotation_reencrypts_and_reindexes_every_row_under_the_new_key(app, runner, people):
    switch_key(app)
    result = runner.invoke(args=["pii", "rotate-key", "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    assert "5 rotated, 0 already under the current key, 0 unreadable" in result.output
    app.config["PII_PREVIOUS_KEYS"] = []  # the old key is gone: everything still reads
    for person in rows():
        assert pii.decrypt(person.id_cipher) == people[person.id]
        assert person.id_hash == pii.blind_index(people[person.id])
    number = next(iter(people.values()))
    assert services.find_person(number) is not None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "pii_key_rotated"))
    assert event.detail == {"rotated": 5, "failed": 0}


def test_a_second_run_changes_nothing_and_check_passes(app, runner, people):
    switch_key(app)
    runner.invoke(args=["pii", "rotate-key"])
    before = [(p.id_cipher, p.id_hash) for p in rows()]
    again = runner.invoke(args=["pii", "rotate-key"])
    assert again.exit_code == 0 and "0 rotated, 5 already under the current key" in again.output
    assert [(p.id_cipher, p.id_hash) for p in rows()] == before
    check = runner.invoke(args=["pii", "rotate-key", "--check"])
    assert check.exit_code == 0 and "0 to rotate" in check.output


def test_an_interrupted_run_is_finished_by_running_it_again(app, runner, people, monkeypatch):
    switch_key(app)
    real_encrypt, calls = pii.encrypt, []

    def failing_encrypt(plain, master=None):
        calls.append(plain)
        if len(calls) == 3:
            raise RuntimeError("power cut")
        return real_encrypt(plain, master)

    monkeypatch.setattr(keyrotation.pii, "encrypt", failing_encrypt)
    with pytest.raises(RuntimeError, match="power cut"):
        keyrotation.rotate(batch_size=2)
    db.session.rollback()
    done = [pii.under_current_key(p.id_cipher) for p in rows()]
    assert done == [True, True, False, False, False]  # the first batch was committed
    assert all(pii.decrypt(p.id_cipher) == people[p.id] for p in rows())  # old key still reads the rest
    check = runner.invoke(args=["pii", "rotate-key", "--check"])
    assert check.exit_code != 0 and "3 to rotate" in check.output
    monkeypatch.setattr(keyrotation.pii, "encrypt", real_encrypt)
    result = runner.invoke(args=["pii", "rotate-key", "--batch-size", "2"])
    assert "3 rotated, 2 already under the current key" in result.output
    assert all(pii.under_current_key(p.id_cipher) for p in rows())


def test_lookups_find_rows_not_yet_rotated_so_no_duplicate_slips_in(app, people, make):
    switch_key(app)  # new key configured, rotation not run yet
    number = next(iter(people.values()))
    assert services.find_person(number) is not None
    with pytest.raises(services.DuplicateCase, match="此人在该项目中已有案件"):
        services.list_person(make.user("demo-worker"), project=make.project(), org_unit=make.unit("绿苑小区楼院党支部"),
                             name="重复", id_number=number, is_party_member=False)


def test_a_row_under_an_unknown_key_is_named_and_the_others_rotate(app, runner, people):
    first = rows()[0]
    first.id_cipher = pii.encrypt(people[first.id], base64.b64decode(LOST))
    db.session.commit()
    switch_key(app)
    result = runner.invoke(args=["pii", "rotate-key"])
    assert result.exit_code != 0
    assert f"people with ids {first.id}: no configured key opens them" in result.output
    assert "4 rotated" in result.output
    assert [pii.under_current_key(p.id_cipher) for p in rows()] == [False, True, True, True, True]


def test_previous_keys_from_the_environment_are_checked(tmp_path, monkeypatch):
    from tests.support.factories import TEST_CONFIG
    from workflow.settings import ConfigError
    from wsgi import create_app

    monkeypatch.setenv("DONGQIAN_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DONGQIAN_PII_PREVIOUS_KEYS", f"{OLD},{NEW}")
    app = create_app(dict(TEST_CONFIG))
    assert app.config["PII_PREVIOUS_KEYS"] == [OLD, NEW]
    monkeypatch.setenv("DONGQIAN_PII_PREVIOUS_KEYS", '["c2hvcnQ="]')
    with pytest.raises(ConfigError, match="PII_PREVIOUS_KEYS must decode to 32 bytes"):
        create_app(dict(TEST_CONFIG))
