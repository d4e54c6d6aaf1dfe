"""Chinese first, English available: every text of the worker screens has an English translation."""

import glob
import os

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KEYWORDS = {"_": None, "_l": None, "gettext": None, "lazy_gettext": None}
SOURCES = [
    *glob.glob("web/worker/*.py", root_dir=ROOT), "workflow/reports/due_list.py", "workflow/reports/search.py",
    "workflow/reports/timeline.py", "workflow/cases/services.py",
    "workflow/process/guards.py", "workflow/cases/registration.py", *glob.glob("forms/*.py", root_dir=ROOT),
]
TEMPLATES = [p for folder in ("worker", "cases", "people", "search", "case_forms", "case_actions")
             for p in glob.glob(f"templates/{folder}/*.html", root_dir=ROOT)]


def messages(path):
    method = "jinja2.ext.babel_extract" if path.endswith(".html") else "python"
    options = {"extensions": "jinja2.ext.i18n"} if path.endswith(".html") else {}
    for _line, message, _comments, _context in extract_from_file(
            method, os.path.join(ROOT, path), keywords=KEYWORDS, options=options):
        yield message[0] if isinstance(message, tuple) else message


def english():
    known = {}
    for path in glob.glob(os.path.join(ROOT, "web/i18n/en/*.po")):
        with open(path, "rb") as handle:
            known.update({m.id: m.string for m in read_po(handle) if m.id and m.string})
    return known


@pytest.mark.parametrize("path", SOURCES + TEMPLATES)
def test_every_text_of_the_worker_screens_has_english(path):
    known = english()
    missing = [m for m in messages(path) if m not in known]
    assert missing == [], f"add to web/i18n/en/worker.po: {missing}"


def test_the_source_texts_are_chinese():
    for path in SOURCES + TEMPLATES:
        for message in messages(path):
            assert any("\u4e00" <= ch <= "\u9fff" for ch in message), (path, message)


def test_the_today_list_and_its_filters_speak_english_on_request(client, auth, make):
    make.case("identified")
    auth.login()
    client.get("/lang/en")
    page = client.get("/").get_data(as_text=True)
    for text in ("Due work", "Overdue or soon", "Incoming", "Filter", "All states", "To visit"):
        assert text in page
    page = client.get("/people/new").get_data(as_text=True)
    assert "Add person" in page and "Name" in page and "新增人员" not in page
