"""A supervisor works the review queue on a phone: batch approve, and send back with a reason."""

import os

from playwright.sync_api import expect

from tests.support.browser import login, screenshot
from workflow.db import db


def _seed(live_app):
    from tests.support.factories import Factory

    with live_app.app_context():
        make = Factory(live_app)
        cases = [make.case("in_review") for _ in range(3)]
        ids, names = [c.id for c in cases], [c.person.name for c in cases]
        db.session.remove()
    return ids, names


def test_batch_approve_and_send_back_with_a_required_reason(phone, live_app, backend):
    ids, names = _seed(live_app)
    login(phone, "lvyuan-supervisor")
    phone.goto("/supervisor/review")
    assert phone.locator("li[data-case-id]").count() == 3
    assert os.path.getsize(screenshot(phone, "supervisor-review-queue", backend)) > 20_000
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    for case_id in ids[:2]:
        phone.check(f"#case-{case_id} input[name=case_id]")
    phone.click("text=批量通过所选")
    phone.wait_for_load_state()
    expect(phone.get_by_text("已审核通过2件")).to_be_visible()
    assert phone.locator("li[data-case-id]").count() == 1

    row = phone.locator(f"#case-{ids[2]}")
    row.locator("summary").click()
    row.locator("button", has_text="退回").click()
    phone.wait_for_load_state()
    error = phone.locator(f"#reason-{ids[2]}-error")
    assert error.inner_text() == "请填写退回原因，社区工作者会看到它"
    phone.fill(f"#reason-{ids[2]}", "联系卡发放日期有误")
    phone.locator(f"#case-{ids[2]}").locator("button", has_text="退回").click()
    phone.wait_for_load_state()
    expect(phone.get_by_text(f"已退回{names[2]}的登记")).to_be_visible()
    assert phone.locator("li[data-case-id]").count() == 0
    screenshot(phone, "supervisor-review-done", backend)
