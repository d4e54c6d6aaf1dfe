"""Chinese first, English available: every message has English, none is stale, the .pot is current."""

import os

from i18n import build
from tests.support.factories import TEST_CONFIG
from wsgi import create_app


def test_every_message_in_the_code_and_templates_has_english():
    missing, _stale = build.problems()
    assert missing == [], "add to web/i18n/en/<area>.po: " + "; ".join(text for _lang, text in missing)


def test_no_translation_is_left_for_a_message_the_code_no_longer_has():
    _missing, stale = build.problems()
    assert stale == [], "remove from web/i18n/en: " + "; ".join(f"{path}: {text}" for _l, path, text in stale)


def test_messages_pot_is_extracted_from_the_current_code():
    with open(build.TEMPLATE, encoding="utf-8") as handle:
        committed = handle.read()
    assert committed == build.template_text(build.extract()), "run `make translations` and commit i18n/messages.pot"


def test_the_source_texts_are_chinese():
    latin = [m.id for m in build.extract() if m.id and not any("\u4e00" <= ch <= "\u9fff" for ch in str(m.id))]
    assert latin == []


def _tree(root):
    found = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in ("test-output", "__pycache__", "instance")]
        for name in files:
            path = os.path.join(folder, name)
            found[path] = os.stat(path).st_mtime_ns
    return found


def test_starting_the_app_writes_nothing_into_the_source_tree(tmp_path):
    before = _tree(build.ROOT)
    create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/t.db"})
    assert _tree(build.ROOT) == before
