"""A worker carries one case from listing to closed on a phone (390×844), as in the field.

One walk, many screens: a wrong ID number corrected on the second try, the visit,
the 五必登, the contact card (and its printable page), the liaison group, submit;
the supervisor approves on the case page; move out, follow-up, handover to another
community, whose worker accepts and closes. Screenshots of the main screens are
saved under test-output/screenshots/.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import login, logout, screenshot
from workflow.demo.synthetic import Synth, wrong_check_digit

NAME = "试点张桂兰"


def send(page):
    """Press the submit button of the screen's form (not the log-out button) and wait for the answer."""
    with page.expect_navigation():
        page.click("main form:not(.inline) button[type=submit]")


def go(page, selector):
    """Follow a link and wait for the next page, so checks never read the old one."""
    with page.expect_navigation():
        page.click(selector)


def act(page, trigger):
    """Press an action button of the case page and wait for its screen."""
    with page.expect_navigation():
        page.click(f"a.action[data-trigger={trigger}]")


def state_is(page, label):
    assert page.locator("section.person .state").inner_text() == label


def fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def assert_one_a6_page(pdf):
    """The printed card is exactly one A6 sheet (105 × 148 mm = 297.6 × 419.5 pt)."""
    pages = re.findall(rb"/Type\s*/Page\b", pdf)
    assert len(pages) == 1, len(pages)
    box = [float(v) for v in re.search(rb"/MediaBox\s*\[([\d.\s]+)\]", pdf).group(1).split()]
    assert abs(box[2] - 297.6) < 2 and abs(box[3] - 419.5) < 2, box


def add_person_with_a_typo_first(page, backend, number):
    go(page, "nav.thumbbar a:has-text('新增人员')")
    page.fill("#name", NAME)
    page.fill("#id_number", wrong_check_digit(number))
    page.check("input[name=kind][value=member]")
    page.select_option("#project_id", label="绿苑棚户区改造")
    page.select_option("#org_unit_id", label="绿苑小区楼院党支部")
    send(page)
    assert page.locator("#id_number-error").inner_text() == "身份证号校验位错误（最后一位）"
    assert page.input_value("#name") == NAME  # nothing typed is lost
    assert page.input_value("#project_id") != ""
    fits_the_phone(page)
    screenshot(page, "worker-01-new-person-error", backend)
    page.fill("#id_number", number)
    send(page)
    page.wait_for_url(re.compile(r"/cases/\d+$"))
    state_is(page, "待走访")
    assert page.locator("section.person .idno").inner_text().startswith(number[:4] + "**********")
    screenshot(page, "worker-02-case-listed", backend)
    return page.url


def visit_and_register(page, backend, synth):
    act(page, "visit")
    page.fill("#met_with", "本人及配偶")
    page.fill("#notes", "同意搬迁，暂住亲戚家")
    screenshot(page, "worker-03-visit-form", backend)
    send(page)
    state_is(page, "待登记")
    go(page, "a.edit")
    page.fill("#original_address", "商丘市梁园区平原路18号院3号楼")
    page.fill("#destination_address", "商丘市梁园区过渡安置小区2-301")
    page.check("input[name=address_kind][value=transitional]")
    page.fill("#phone", "1381234567")  # one digit short
    page.fill("#backup_name", "张明")
    page.fill("#backup_phone", synth.mobile())
    page.fill("#workplace", "商丘市某物流公司")
    page.fill("#work_city", "商丘")
    page.select_option("#org_unit_id", label="绿苑小区楼院党支部")
    send(page)
    assert "手机号码无效" in page.locator("#phone-error").inner_text()
    assert page.input_value("#workplace") == "商丘市某物流公司"
    page.fill("#phone", synth.mobile())
    screenshot(page, "worker-04-registration", backend)
    send(page)
    assert page.locator(".registers .reg-complete").count() == 5


def card_and_group(page, backend):
    go(page, "li[data-item=card] a")
    screenshot(page, "worker-05-card", backend)
    page.click("a[data-open=print]")
    page.wait_for_url(re.compile(r"/card/print$"))
    assert page.locator(".contact-card .secretary").inner_text().strip() != ""
    assert "王晓红" in page.locator(".contact-card .worker").inner_text()
    fits_the_phone(page)
    screenshot(page, "worker-06-card-print", backend)
    page.emulate_media(media="print")
    expect(page.locator(".print-tools")).to_be_hidden()  # paper shows the card only
    page.emulate_media(media="screen")
    pdf = page.pdf(prefer_css_page_size=True)
    assert_one_a6_page(pdf)
    with open(screenshot(page, "worker-06-card-print", backend).replace(".png", ".pdf"), "wb") as handle:
        handle.write(pdf)  # the printed card, for people to look at
    page.go_back()
    send(page)
    assert page.locator("li[data-item=card].done").count() == 1
    go(page, "li[data-item=group] a")
    page.fill("#group_name", "绿苑小区动迁党员微信群")
    send(page)
    assert "绿苑小区动迁党员微信群" in page.locator("li[data-item=group]").inner_text()


def submit(page, backend):
    act(page, "submit")
    expect(page.get_by_text("可以提交审核")).to_be_visible()
    screenshot(page, "worker-07-submit", backend)
    send(page)
    state_is(page, "待审核")
    assert page.locator("a.edit").count() == 0  # frozen while in review


def approve_as_supervisor(page, backend, case_url):
    logout(page)
    login(page, "demo-supervisor")
    go(page, "nav.thumbbar a:has-text('搜索')")
    page.fill("#q", NAME[:3])
    page.press("#q", "Enter")
    go(page, f"ul.results a:has-text('{NAME}')")
    assert page.url == case_url
    assert [a.get_attribute("data-trigger") for a in page.locator("a.action").all()] == ["approve", "send_back"]
    act(page, "approve")
    send(page)
    state_is(page, "已登记")
    screenshot(page, "worker-08-approved", backend)
    logout(page)


def move_follow_and_hand_over(page, backend, case_url):
    login(page)
    page.goto(case_url)
    act(page, "move_out")
    send(page)
    state_is(page, "跟踪中")
    act(page, "contact")
    page.check("input[name=kind][value=wechat]")
    page.check("input[name=outcome][value=reached]")
    page.fill("#notes", "已在过渡房住下，工作稳定")
    screenshot(page, "worker-09-follow-up", backend)
    send(page)
    assert "微信 · 已联系上" in page.locator(".timeline").inner_text()
    act(page, "hand_over")
    page.check("input[name=kind][value=resettle]")
    page.select_option("#to_unit_id", label="清江社区党总支")
    screenshot(page, "worker-10-handover", backend)
    send(page)
    state_is(page, "移交中·待对方接收")
    logout(page)


def receive_and_close(page, backend):
    login(page, "qingjiang-worker")
    go(page, "a.notice-incoming")
    screenshot(page, "worker-11-incoming", backend)
    go(page, f"li.case-row a:has-text('{NAME}')")
    assert [a.get_attribute("data-trigger") for a in page.locator("a.action").all()] == ["accept", "reject"]
    act(page, "accept")
    send(page)
    state_is(page, "新接收·待首次联系")  # the receiver's own first tasks: a contact and its group
    assert "清江社区党总支" in page.locator("section.person").inner_text()
    act(page, "contact")
    page.check("input[name=outcome][value=reached]")
    send(page)
    go(page, "li[data-item=group] a")
    page.fill("#group_name", "清江社区动迁党员微信群")
    send(page)
    act(page, "settle_in")
    send(page)
    state_is(page, "已安置")
    act(page, "close")
    page.fill("#reason", "已在清江社区安置，编入楼院党支部")
    send(page)
    state_is(page, "已结案")
    assert page.locator("a.action").count() == 0
    fits_the_phone(page)
    screenshot(page, "worker-12-closed", backend)


def some_work_due(app):
    """A few cases of the worker's subtree, one of them overdue, for the list to show."""
    from datetime import timedelta

    from tests.support.factories import Factory
    from workflow.db import db

    with app.app_context():
        make = Factory(app)
        late = make.case("identified")
        late.next_due_at -= timedelta(days=9)
        make.case("following")
        make.case("visited", unit="绿苑1号楼党小组")
        db.session.commit()


@pytest.mark.heavy
@pytest.mark.every_backend  # the one browser walk from listing to closed, on each database
def test_worker_walks_one_case_from_listing_to_closed_on_a_phone(phone, live_app, backend):
    synth = Synth(4242)
    some_work_due(live_app)
    login(phone)
    assert phone.locator("li.case-row").count() == 3
    assert "逾期2天" in phone.locator("li.case-row").first.inner_text()  # due in 7 days, 9 days ago
    fits_the_phone(phone)
    screenshot(phone, "worker-00-today", backend)
    case_url = add_person_with_a_typo_first(phone, backend, synth.id_number())
    visit_and_register(phone, backend, synth)
    card_and_group(phone, backend)
    submit(phone, backend)
    approve_as_supervisor(phone, backend, case_url)
    move_follow_and_hand_over(phone, backend, case_url)
    receive_and_close(phone, backend)
    timeline = phone.locator(".timeline").inner_text()
    for step in ("列入名单", "入户走访", "提交审核", "审核通过", "搬迁", "移交", "接收", "结案"):
        assert step in timeline
