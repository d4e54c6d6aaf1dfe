"""A worker on a phone (390×844) registers a member as 流动党员, issues a 活动证 (one typo refused
first), prints its A5 stub, and sees the yearly report coming due on 今日待办; then in English."""

import re
from datetime import timedelta

from playwright.sync_api import expect

from forms.fields import local_today
from tests.support.browser import PHONE, login, screenshot
from tests.support.factories import Factory


def fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def send(page):
    with page.expect_navigation():
        page.click("main form:not(.inline) button[type=submit]")


def go(page, selector):
    with page.expect_navigation():
        page.click(selector)


def test_issue_a_certificate_and_see_the_yearly_report_on_the_due_list(phone, live_app, backend):
    with live_app.app_context():
        case_id = Factory(live_app).case("following").id
        today = local_today()
    since = today - timedelta(days=340)  # the yearly report falls due in about 25 days
    login(phone)
    phone.goto(f"/cases/{case_id}")
    expect(phone.locator("#mobility .situation")).to_contain_text("本地")
    go(phone, "#mobility a[href$='/mobility/situation']")
    phone.select_option("#situation", "long")
    phone.fill("#since", since.isoformat())
    phone.fill("#dest_city", "丰台")
    send(phone)  # no province: refused, what was typed kept
    expect(phone.locator(".notice-problems")).to_contain_text("需要填写去向省份和城市")
    assert phone.input_value("#dest_city") == "丰台"
    phone.select_option("#dest_province", "北京")
    send(phone)
    expect(phone.locator("#mobility .situation")).to_contain_text("长期外出/流动")
    expect(phone.locator("#mobility .report-due")).to_contain_text("还有")
    fits(phone)
    screenshot(phone, "mobility-01-case-card", backend)

    go(phone, "#mobility a[href$='/certificates/new']")
    phone.fill("#number", "LY2026-088")
    phone.fill("#issued_on", today.isoformat())
    phone.fill("#duration_months", "12")
    phone.fill("#expires_on", (today - timedelta(days=1)).isoformat())
    phone.fill("#reason", "外出务工")
    phone.select_option("#dest_province", "北京")
    phone.fill("#dest_city", "丰台")
    send(phone)
    expect(phone.locator(".notice-problems")).to_contain_text("有效期至应晚于发证日期")
    assert phone.input_value("#number") == "LY2026-088" and phone.input_value("#reason") == "外出务工"
    fits(phone)
    screenshot(phone, "mobility-02-certificate-error", backend)
    phone.fill("#expires_on", (today + timedelta(days=360)).isoformat())
    send(phone)
    expect(phone.locator(".flash-success")).to_contain_text("已发放流动党员活动证")
    expect(phone.locator("#mobility li.certificate[data-number='LY2026-088']")).to_be_visible()

    go(phone, "#mobility li.certificate a[href$='/print']")
    expect(phone.locator(".certificate-stub h1")).to_contain_text("流动党员活动证")
    expect(phone.locator(".certificate-stub .issuer")).to_contain_text("绿苑小区楼院党支部")
    pdf = phone.pdf(prefer_css_page_size=True)
    box = [float(v) for v in re.search(rb"/MediaBox\s*\[([\d.\s]+)\]", pdf).group(1).split()]
    assert abs(box[2] - 419.5) < 2 and abs(box[3] - 595.3) < 2, box  # A5: 148 × 210 mm
    screenshot(phone, "mobility-03-certificate-stub", backend)

    phone.goto("/")
    item = phone.locator("#mobility-due li.mobility-item[data-kind='report']")
    expect(item).to_contain_text("定期报告")
    expect(item).to_contain_text(re.compile(r"还有\d+天"))
    fits(phone)
    screenshot(phone, "mobility-04-due-list", backend)
    go(phone, "#mobility-due li.mobility-item[data-kind='report'] a")
    assert re.search(rf"/cases/{case_id}#mobility$", phone.url)

    phone.goto("/lang/en")
    phone.goto("/")
    expect(phone.locator("#mobility-due h2")).to_contain_text("Mobile members")
    expect(phone.locator("#mobility-due li.mobility-item[data-kind='report']")).to_contain_text("Periodic report")
    fits(phone)
    screenshot(phone, "mobility-05-due-list-en", backend)
