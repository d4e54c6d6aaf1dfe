"""A worker sees the bell's count on a phone, reads the message, and the count goes."""

from playwright.sync_api import expect

from scheduler import jobs
from tests.support.browser import login, screenshot
from workflow.db import db
from workflow.outbox import notify


def test_worker_reads_a_sent_back_notice_from_the_bell_on_a_phone(phone, live_app, backend):
    with live_app.app_context():
        from tests.support.factories import Factory

        case = Factory(live_app).case("in_review")
        name, case_id = case.person.name, case.id
        notify(case.worker, "sent_back", f"退回修改：{name}", "退回原因：去向住址不完整，请补充门牌号", case=case)
        db.session.commit()
    jobs.bind(live_app, scheduler=None, lock=None, holder="browser-test")
    jobs.deliver_due()
    login(phone)
    bell = phone.locator("a.bell")
    assert bell.locator(".bell-count").inner_text() == "1"
    bell.click()
    phone.wait_for_load_state()
    assert phone.locator("h1").inner_text().startswith("消息")
    expect(phone.get_by_text(f"退回修改：{name}")).to_be_visible()
    expect(phone.get_by_text("退回原因：去向住址不完整，请补充门牌号")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "inbox", backend)
    phone.get_by_role("button", name="标为已读", exact=True).click()
    phone.wait_for_load_state()
    assert phone.locator("a.bell .bell-count").count() == 0
    expect(phone.get_by_role("button", name="标为未读", exact=True)).to_be_visible()
    phone.get_by_role("button", name="查看").click()
    phone.wait_for_load_state()
    assert phone.url.endswith(f"/cases/{case_id}")
