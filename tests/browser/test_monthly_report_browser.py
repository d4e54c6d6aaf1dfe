"""On a phone: a community drafts last month's report, opens the cases behind a number and
submits it; the street sends it back with a reason; the community reads it, in English too."""

import os
from datetime import UTC, datetime

from playwright.sync_api import expect

from tests.support import frozen
from tests.support.browser import login, logout, screenshot
from workflow.db import db

MARCH = datetime(2026, 3, 5, 2, 0, tzinfo=UTC)


def _switch(phone, username):
    logout(phone)
    login(phone, username)


def _seed(live_app):
    from tests.support.factories import Factory

    with live_app.app_context():
        make = Factory(live_app)
        with frozen(MARCH):
            make.case("following")
            make.case("lost", unit="机务段家属院党支部")
        db.session.remove()


def test_draft_submit_and_send_back_on_a_phone(phone, live_app, backend):
    _seed(live_app)
    login(phone, "lvyuan-supervisor")
    phone.goto("/supervisor/monthly?period=2026-03")
    expect(phone.get_by_role("heading", name="2026年3月")).to_be_visible()
    assert phone.locator("table.report-table thead th", has_text="期末在册").get_attribute("colspan") == "5"
    assert phone.locator("table.report-table thead th", has_text="流动党员").first.get_attribute("colspan") == "5"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # the table scrolls inside its box
    assert os.path.getsize(screenshot(phone, "monthly-draft", backend)) > 20_000

    lost = phone.locator("table.report-table tr", has_text="机务段家属院党支部").locator("a").first
    lost.click()
    phone.wait_for_load_state()
    expect(phone.get_by_text("共1人")).to_be_visible()
    phone.click("text=返回月报")
    phone.wait_for_load_state()

    phone.fill("#note", "三月报表")
    phone.click("button:has-text('上报')")
    phone.wait_for_load_state()
    expect(phone.get_by_text("已上报2026年3月报表（第1版）")).to_be_visible()

    _switch(phone, "demo-supervisor")
    phone.goto("/supervisor/monthly?period=2026-03")
    below = phone.locator("ul.below li", has_text="绿苑社区党总支")
    below.locator("summary").click()
    below.locator("button", has_text="退回").click()
    phone.wait_for_load_state()
    expect(phone.get_by_text("请填写退回原因").first).to_be_visible()
    below = phone.locator("ul.below li", has_text="绿苑社区党总支")
    below.locator("textarea").fill("失联人数请核对")
    below.locator("button", has_text="退回").click()
    phone.wait_for_load_state()
    expect(phone.get_by_text("已退回绿苑社区党总支的报表")).to_be_visible()
    screenshot(phone, "monthly-sent-back", backend)

    _switch(phone, "lvyuan-supervisor")
    phone.goto("/supervisor/monthly?period=2026-03")
    expect(phone.get_by_text("退回原因：失联人数请核对")).to_be_visible()
    phone.goto("/lang/en")
    phone.goto("/supervisor/monthly?period=2026-03")
    expect(phone.get_by_text("Reason for sending back: 失联人数请核对")).to_be_visible()
    expect(phone.get_by_role("button", name="Submit a correction")).to_be_visible()
    screenshot(phone, "monthly-returned-en", backend)
