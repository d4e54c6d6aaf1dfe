"""Chinese first, English available: every text of the member link has an English translation."""

import glob
import os

import pytest

from tests.web.worker.test_worker_i18n import ROOT, english, messages

SOURCES = [*glob.glob("web/member/*.py", root_dir=ROOT), *glob.glob("workflow/member/*.py", root_dir=ROOT),
           "forms/member.py", "scheduler/member_reminders.py", "scheduler/sms.py",
           *glob.glob("templates/member/*.html", root_dir=ROOT), *glob.glob("templates/case_forms/*.html", root_dir=ROOT)]


@pytest.mark.parametrize("path", [p for p in SOURCES if os.path.exists(os.path.join(ROOT, p))])
def test_every_text_of_the_member_link_has_english(path):
    known = english()
    assert [m for m in messages(path) if m not in known] == []
