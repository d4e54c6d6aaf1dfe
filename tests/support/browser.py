"""Browser helpers: the phone's size, logging in through the form, saving screenshots."""

import os
import re

from tests.support import ROOT
from tests.support.factories import PASSWORD

SCREENSHOTS = os.path.join(ROOT, "test-output", "screenshots")
PHONE = {"width": 390, "height": 844}


def login(page, username="demo-worker"):
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def logout(page):
    """Log out through the header's menu; wait for the login page (offline.js wipes the phone first)."""
    page.click("header .menu summary")
    page.click("form[action='/logout'] button")
    page.wait_for_url(re.compile(r"/login"))


def screenshot(page, name, backend):
    """Save a full-page screenshot as test-output/screenshots/<backend>-<name>.png."""
    os.makedirs(SCREENSHOTS, exist_ok=True)
    path = os.path.join(SCREENSHOTS, f"{backend}-{name}.png")
    page.screenshot(path=path, full_page=True)
    return path
