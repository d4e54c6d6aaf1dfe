"""The report template is data, checked at start-up; errors name the file and line."""

from pathlib import Path

import pytest

from tests.support.factories import TEST_CONFIG
from workflow.reports.monthly.measures import MEASURES
from workflow.reports.monthly.template import TemplateError, load
from workflow.settings import DEFAULTS
from wsgi import create_app

SOURCE = Path(DEFAULTS["MONTHLY_REPORT_TEMPLATE"]).read_text(encoding="utf-8")


def write(tmp_path, text):
    path = tmp_path / "monthly_report.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def line_of(needle):
    return next(n for n, line in enumerate(SOURCE.splitlines(), 1) if needle in line)


def test_the_shipped_template_uses_known_measures_and_merges_its_groups():
    template = load(DEFAULTS["MONTHLY_REPORT_TEMPLATE"], MEASURES)
    assert [c.key for c in template.columns][:5] == ["total", "households", "registered", "following", "lost"]
    spans = template.header_spans()
    assert spans[0][0] == ("期末在册", "At period end") and len(spans[0][1]) == 5
    assert spans[1][0] == ("流动党员", "Mobile party members") and [c.key for c in spans[1][1]] == [
        "mobile", "cards_valid", "cards_issued", "cards_lapsed", "cards_expiring"]
    assert template.reminder_day == 5


@pytest.mark.parametrize(("old", "new", "needle", "message"), [
    ('measure = "lost_at_end"', 'measure = "lost_at_ned"', 'measure = "lost_at_end"', "unknown measure 'lost_at_ned'"),
    ('key = "registered"', 'key = "total"', 'key = "registered"', "column 'total' is defined twice"),
    ('group = "handover"', 'group = "handovers"', 'group = "handover"', "unknown group 'handovers'"),
    ('reminder_day = 5', 'reminder_day = 31', 'reminder_day = 5', "from 1 to 28"),
    ('en = "Newly listed"', 'english = "Newly listed"', 'en = "Newly listed"', "unknown key 'english'"),
])
def test_a_mistake_names_its_line(tmp_path, old, new, needle, message):
    with pytest.raises(TemplateError, match=message) as caught:
        load(write(tmp_path, SOURCE.replace(old, new, 1)), MEASURES)
    assert f"monthly_report.toml:{line_of(needle)}:" in str(caught.value)


def test_renaming_and_reordering_columns_needs_no_code(tmp_path):
    text = SOURCE.replace('zh = "新列入"', 'zh = "本月新列入"')
    template = load(write(tmp_path, text), MEASURES)
    assert next(c for c in template.columns if c.key == "listed").zh == "本月新列入"


def test_app_refuses_to_start_with_a_broken_template(tmp_path):
    path = write(tmp_path, SOURCE.replace('measure = "listed"', 'measure = "enlisted"', 1))
    with pytest.raises(TemplateError, match="unknown measure 'enlisted'"):
        create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://", "MONTHLY_REPORT_TEMPLATE": path})
