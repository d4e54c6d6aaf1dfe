"""The process definition is data, checked at start-up; errors name the line."""

import re
from pathlib import Path

import pytest

from tests.support.factories import TEST_CONFIG
from workflow.process.definition import DefinitionError, load
from workflow.process.effects import EFFECTS
from workflow.process.guards import CONDITIONS, GUARDS
from workflow.settings import DEFAULTS
from wsgi import create_app

SOURCE = Path(DEFAULTS["PROCESS_DEFINITION"]).read_text(encoding="utf-8")


def write(tmp_path, text):
    path = tmp_path / "process.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def load_text(tmp_path, text):
    return load(write(tmp_path, text), GUARDS, CONDITIONS, EFFECTS)


def line_of(text, needle, occurrence=1):
    count = 0
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            count += 1
            if count == occurrence:
                return number
    raise AssertionError(needle)


def test_default_definition_loads_with_every_state_and_trigger(tmp_path):
    definition = load_text(tmp_path, SOURCE)
    assert definition.initial == "identified"
    assert set(definition.states) == {
        "identified", "visited", "in_review", "registered", "following", "lost",
        "handover", "received", "resettled", "transferred", "closed",
    }
    assert definition.states["identified"].zh == "待走访"
    assert definition.rhythm == {"party_member": 30, "resident": 90}
    assert "send_back" in definition.triggers


@pytest.mark.parametrize(
    "old, new, message, needle",
    [
        ('dest = "visited"\nroles = ["worker", "supervisor", "secretary"]\nguards = ["visit_logged"]',
         'dest = "visitd"\nroles = ["worker", "supervisor", "secretary"]\nguards = ["visit_logged"]',
         "unknown destination state 'visitd'", 'dest = "visitd"'),
        ('guards = ["visit_logged"]', 'guards = ["visit_loged"]', "unknown guard 'visit_loged'", "visit_loged"),
        ('roles = ["supervisor", "admin"]\n\n[[transition]]\ntrigger = "send_back"',
         'roles = ["superviser", "admin"]\n\n[[transition]]\ntrigger = "send_back"',
         "unknown role 'superviser'", "superviser"),
        ('source = ["identified"]\n', '', "trigger 'visit' has no source state", "[[transition]]"),
        ('source = ["identified"]', 'source = ["identifed"]', "unknown source state 'identifed'", "identifed"),
        ('conditions = ["reaches_miss_limit"]', 'conditions = ["reaches_limit"]', "unknown condition 'reaches_limit'", "reaches_limit"),
        ('after = ["stamp_visit"]', 'after = ["stamp_vist"]', "unknown effect 'stamp_vist'", "stamp_vist"),
        ('deadline_days = 3', 'deadline_days = -3', "deadline_days must be 0 or more", "deadline_days = -3"),
        ('zh = "待走访"\n', 'zh = "待走访"\ncolour = "red"\n', "unknown key 'colour'", "colour"),
        ('waits_on = "reviewer"', 'waits_on = "boss"', "waits_on must be one of reviewer, receiver", 'waits_on = "boss"'),
    ],
)
def test_broken_definition_names_the_line(tmp_path, old, new, message, needle):
    assert old in SOURCE
    text = SOURCE.replace(old, new, 1)
    with pytest.raises(DefinitionError, match=re.escape(message)) as err:
        load_text(tmp_path, text)
    assert str(err.value).startswith(f"{tmp_path / 'process.toml'}:{line_of(text, needle)}:")


def test_unreachable_state_is_an_error(tmp_path):
    text = SOURCE + '\n[[state]]\nname = "archived"\nzh = "已归档"\nen = "Archived"\n'
    with pytest.raises(DefinitionError, match="state 'archived' cannot be reached") as err:
        load_text(tmp_path, text)
    line = line_of(text, 'name = "archived"')
    assert f":{line}:" in str(err.value)


def test_unknown_initial_state_is_an_error(tmp_path):
    with pytest.raises(DefinitionError, match="process.initial: unknown state 'start'"):
        load_text(tmp_path, SOURCE.replace('initial = "identified"', 'initial = "start"'))


def test_toml_syntax_error_names_the_file(tmp_path):
    with pytest.raises(DefinitionError, match="process.toml"):
        load_text(tmp_path, SOURCE + "\n[[transition]\n")


def test_changing_a_deadline_needs_no_code(tmp_path):
    definition = load_text(tmp_path, SOURCE.replace('deadline_days = 3', 'deadline_days = 5'))
    assert definition.states["in_review"].deadline_days == 5


def test_app_refuses_to_start_with_a_broken_definition(tmp_path):
    path = write(tmp_path, SOURCE.replace('dest = "registered"', 'dest = "registred"', 1))
    with pytest.raises(DefinitionError, match="registred"):
        create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://", "PROCESS_DEFINITION": path})
