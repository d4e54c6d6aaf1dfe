"""A worker logs in on a phone and sees today's work."""

import os

from playwright.sync_api import expect

from tests.support.browser import login, screenshot


def test_worker_logs_in_on_a_phone_and_sees_due_work(phone, live_app, backend):
    with live_app.app_context():
        from tests.support.factories import Factory

        name = Factory(live_app).case("identified").person.name
    login(phone)
    assert phone.locator("h1").inner_text().startswith("今日待办")
    expect(phone.get_by_text(name)).to_be_visible()
    # Phone layout: nothing wider than the screen.
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    assert os.path.getsize(screenshot(phone, "due-list", backend)) > 10_000


def test_wrong_password_shows_chinese_error_and_keeps_username(phone):
    phone.goto("/login")
    phone.fill("input[name=username]", "demo-worker")
    phone.fill("input[name=password]", "wrong")
    phone.click("button[type=submit]")
    expect(phone.get_by_text("用户名或密码错误")).to_be_visible()
    assert phone.input_value("input[name=username]") == "demo-worker"
