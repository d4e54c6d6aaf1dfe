"""The member's side on a phone (390×844): open the card's link, verify, check in, report a new address;
then the worker confirms it on 成员自报. Nothing is scanned: the link is read off the printed card."""

import re

from playwright.sync_api import expect

from tests.support.browser import PHONE, login, screenshot
from tests.support.factories import Factory
from workflow.cases import registration
from workflow.db import db
from workflow.models import Case
from workflow.privacy import pii

NEW_ADDRESS = "商丘市梁园区新城安置小区8号楼2单元501"


def fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_member_checks_in_and_reports_a_new_address_that_the_worker_confirms(browser, phone, live_app,
                                                                               live_server, backend):
    with live_app.app_context():
        case = Factory(live_app).case("following")
        case_id, last4 = case.id, pii.decrypt(case.person.id_cipher)[-4:]
        due_before = case.next_due_at
    # The worker prints a card with the member's QR code and short link.
    login(phone)
    phone.goto(f"/cases/{case_id}/card")
    with phone.expect_navigation():
        phone.click("button.issue-link")
    expect(phone.locator(".member-qr svg")).to_be_visible()
    url = phone.locator(".member-url").inner_text().strip()
    assert re.search(r"/m/[A-Za-z0-9_-]{20,}$", url)
    screenshot(phone, "member-01-card-with-qr", backend)
    # The member opens it on their own phone: another browser, no account.
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  locale="zh-CN")
    member = context.new_page()
    member.set_default_timeout(15000)
    member.goto(url)
    expect(member.locator("h1")).to_have_text("请先验证身份")
    expect(member.locator("a.tel").first).to_be_visible()
    fits(member)
    member.fill("#last4", last4)
    with member.expect_navigation():
        member.click("section.verify button[type=submit]")
    expect(member.locator("section.me h1")).to_contain_text("您好")
    screenshot(member, "member-02-home", backend)
    with member.expect_navigation():
        member.click("button[value=checkin]")
    expect(member.locator(".flash-success")).to_have_text("已收到，谢谢！")
    member.click("details.action-change summary")
    member.check("input[name=item][value=destination_address]")
    member.fill("#address", NEW_ADDRESS)
    member.check("input[name=address_kind][value=resettlement]")
    with member.expect_navigation():
        member.click("button[value=change]")
    expect(member.locator(".report-pending")).to_contain_text("待确认")
    fits(member)
    screenshot(member, "member-03-sent", backend)
    # The worker confirms it on 成员自报 with one tap.
    phone.goto("/cases")
    phone.click("header .menu summary")  # the self-reports link lives in the header's menu
    with phone.expect_navigation():
        phone.click("nav a:has-text('成员自报')")
    row = phone.locator("li.self-report").first
    expect(row).to_contain_text(NEW_ADDRESS)
    fits(phone)
    screenshot(phone, "member-04-worker-list", backend)
    with phone.expect_navigation():
        row.locator("form.confirm button").click()
    expect(phone.locator(".flash-success")).to_have_text("已确认，登记信息已更新")
    member.reload()
    expect(member.locator(".report-confirmed")).to_contain_text("已确认")
    context.close()
    with live_app.app_context():
        assert registration.current_entries(case_id)["destination_address"].address == NEW_ADDRESS
        assert db.session.get(Case, case_id).next_due_at > due_before
