"""Browser tests: the app served on loopback, driven by Playwright in Debian's Chromium.

Never a browser download: Chromium comes from apt (`/usr/bin/chromium`), and
Playwright only drives it. Screenshots go to test-output/screenshots/.
"""

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from tests.conftest import make_app
from tests.support.browser import PHONE
from workflow.db import db

CHROMIUM = os.environ.get("DONGQIAN_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM) and not shutil.which("chromium"):
        if os.environ.get("CI"):
            pytest.fail(f"CI requires Chromium at {CHROMIUM} (apt-get install chromium)")
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def live_app(database, tmp_path, monkeypatch):
    """The app with CSRF on, as in production, on a fresh copy of the base data."""
    app = make_app(database, tmp_path, monkeypatch, WTF_CSRF_ENABLED=True)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def live_server(live_app):
    """Serve live_app on a free loopback port; yield its base URL."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def phone(browser, live_server):
    """A fresh phone-sized page (390×844) pointed at the live server."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="zh-CN", base_url=live_server)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()
