"""The 流动党员 policy is data beside the process, checked at start-up; errors name file:line."""

from pathlib import Path

import pytest

from tests.support.factories import TEST_CONFIG
from workflow.mobility.policy import load
from workflow.process.definition import DefinitionError
from workflow.settings import DEFAULTS
from wsgi import create_app

SOURCE = Path(DEFAULTS["MOBILITY_POLICY"]).read_text(encoding="utf-8")
STATES = {"identified", "following", "transferred", "closed"}


def write(tmp_path, text):
    path = tmp_path / "mobility.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def line_of(text, needle):
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_default_policy_carries_the_rules_of_the_guidance(tmp_path):
    policy = load(write(tmp_path, SOURCE), STATES)
    assert set(policy.situations) == {"local", "short", "long", "abroad", "graduate"}
    assert policy.situations["long"].zh == "长期外出/流动" and policy.situations["abroad"].en == "Abroad"
    assert (policy.months("mobile_after_months"), policy.months("report_every_months"),
            policy.months("abroad_contact_months"), policy.months("graduate_keep_months")) == (6, 12, 6, 24)
    assert "self" in policy.report_kinds and policy.ends_in == ("transferred", "closed")
    assert policy.labels["report"] == ("定期报告", "Periodic report")


def test_changing_the_six_month_line_needs_no_code(tmp_path):
    policy = load(write(tmp_path, SOURCE.replace("mobile_after_months = 6", "mobile_after_months = 4")), STATES)
    assert policy.months("mobile_after_months") == 4


@pytest.mark.parametrize(("old", "new", "needle", "message"), [
    ("report_every_months = 12", "report_every_months = -1", "report_every_months",
     "lines.report_every_months: a whole number above 0"),
    ("report_lead_days = 30", "report_lead_days = -5", "report_lead_days",
     "reminders.report_lead_days: a whole number 0 or more"),
    ('name = "abroad"', 'name = "abroad"\nmobil = true', "mobil = true", "unknown key 'mobil' in a situation"),
    ('ends_in = ["transferred", "closed"]', 'ends_in = ["transfered"]', "ends_in", "unknown state 'transfered'"),
    ('roles = ["worker", "supervisor", "secretary"]', 'roles = ["janitor"]', "roles = [", "unknown role 'janitor'"),
    ('report_kinds = ["org_life", "self", "report"]', 'report_kinds = ["letter"]', "report_kinds",
     "lines.report_kinds: a list of contact kinds"),
    ('report = { zh = "定期报告", en = "Periodic report" }', 'report = { zh = "定期报告" }', 'report = { zh',
     "labels.report: .* is required"),
    ('mobile = true\nsuggest_transfer', 'mobile = "yes"\nsuggest_transfer', 'mobile = "yes"',
     "situation 'long': mobile must be true or false"),
])
def test_a_wrong_value_names_its_file_and_line(tmp_path, old, new, needle, message):
    text = SOURCE.replace(old, new, 1)
    assert text != SOURCE
    path = write(tmp_path, text)
    with pytest.raises(DefinitionError, match=message) as caught:
        load(path, STATES)
    assert f"{path}:{line_of(text, needle)}:" in str(caught.value)


def test_a_situation_defined_twice_or_without_local_is_refused(tmp_path):
    twice = SOURCE.replace('name = "graduate"', 'name = "short"')
    with pytest.raises(DefinitionError, match="situation 'short' is defined twice"):
        load(write(tmp_path, twice), STATES)
    without_local = SOURCE.replace('name = "local"', 'name = "home"')
    with pytest.raises(DefinitionError, match="situation 'local' is required"):
        load(write(tmp_path, without_local), STATES)


def test_app_refuses_to_start_with_a_broken_policy(tmp_path):
    path = write(tmp_path, SOURCE.replace("abroad_contact_months = 6", "abroad_contact_months = 0"))
    with pytest.raises(DefinitionError, match="abroad_contact_months"):
        create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://", "MOBILITY_POLICY": path})
