"""The daily screens on a 390×844 phone, in Chinese and English: the compact header, the
refused form's summary and focus, tables that fit or scroll in their card."""

import pytest
from playwright.sync_api import expect

from tests.support.browser import login, screenshot
from workflow.db import db

LANGUAGES = ["zh", "en"]


def _language(page, code):
    page.goto(f"/lang/{code}")
    page.wait_for_load_state()


def _seed(live_app, state="visited"):
    from tests.support.factories import Factory

    with live_app.app_context():
        case = Factory(live_app).case(state)
        case_id, name = case.id, case.person.name
        db.session.remove()
    return case_id, name


def _header(page):
    # The service worker's "ready for offline use" line lands above the title whenever the
    # due list's copy is saved (in English it wraps to two lines): not the header's height.
    return page.evaluate("""() => {
        document.querySelectorAll('.offline-note').forEach((note) => note.remove());
        const bar = document.querySelector('header.topbar').getBoundingClientRect();
        const h1 = document.querySelector('main h1').getBoundingClientRect();
        return {bar: bar.height, title: h1.top, width: document.documentElement.scrollWidth};
    }""")


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize("username", ["demo-worker", "demo-supervisor"])
def test_the_header_is_one_compact_bar_in_each_language(phone, live_app, code, username, backend):
    login(phone, username)
    _language(phone, code)
    for url in ("/", "/supervisor/") if username == "demo-supervisor" else ("/", "/search"):
        phone.goto(url)
        measured = _header(phone)
        assert measured["bar"] < 64, (url, measured)
        # The supervisor's pages keep their one-row sub-navigation above the title.
        assert measured["title"] < (120 if url.startswith("/supervisor") else 90), (url, measured)
        assert measured["width"] <= 390, (url, measured)
    landing = "supervisor-overview" if username == "demo-supervisor" else "worker-due-list"
    phone.goto("/supervisor/" if username == "demo-supervisor" else "/")
    screenshot(phone, f"{landing}-{code}", backend)
    # The menu opens within the screen and holds the way out.
    phone.click("header .menu summary")
    panel = phone.locator(".menu-panel")
    expect(panel).to_be_visible()
    box = panel.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    expect(panel.locator("button[type=submit]")).to_be_visible()
    # The thumb bar sits at the bottom of the screen.
    bar = phone.locator("nav.thumbbar").bounding_box()
    assert bar["y"] + bar["height"] == pytest.approx(844, abs=1)


@pytest.mark.parametrize("code", LANGUAGES)
def test_a_refused_registration_lists_its_errors_on_top_and_focuses_the_field(phone, live_app, code, backend):
    case_id, _ = _seed(live_app)
    login(phone)
    _language(phone, code)
    phone.goto(f"/cases/{case_id}/registration")
    phone.fill("#workplace", "绿苑物流园")
    phone.fill("#backup_phone", "123")
    phone.locator("form button.primary").click()
    phone.wait_for_load_state()
    summary = phone.locator(".error-summary")
    expect(summary).to_be_visible()
    links = summary.locator("a")
    assert links.count() == 1 and links.first.get_attribute("href") == "#backup_phone"
    focused = phone.evaluate("document.activeElement.id")
    assert focused == "backup_phone"
    assert phone.evaluate("(() => { const r = document.activeElement.getBoundingClientRect();"
                          " return r.top >= 0 && r.bottom <= innerHeight; })()")
    assert phone.input_value("#workplace") == "绿苑物流园"
    assert phone.input_value("#backup_phone") == "123"
    screenshot(phone, f"registration-refused-{code}", backend)


def test_a_refused_send_back_far_down_the_queue_is_the_row_in_view(phone, live_app, backend):
    from tests.support.factories import Factory

    with live_app.app_context():
        make = Factory(live_app)
        ids = [make.case("in_review").id for _ in range(12)]
        db.session.remove()
    login(phone, "lvyuan-supervisor")
    phone.goto("/supervisor/review")
    last = ids[-1]
    row = phone.locator(f"#case-{last}")
    row.locator("summary").click()
    row.locator("button", has_text="退回").click()
    phone.wait_for_load_state()
    assert phone.locator(f".error-summary a[href='#reason-{last}']").count() == 1
    assert phone.evaluate("document.activeElement.id") == f"reason-{last}"
    assert phone.evaluate("(() => { const r = document.activeElement.getBoundingClientRect();"
                          " return r.top >= 0 && r.bottom <= innerHeight; })()")


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_card_on_a_phone_names_the_building_groups_branch_and_its_secretary(phone, live_app, code, backend):
    from tests.support.factories import Factory

    with live_app.app_context():
        make = Factory(live_app)
        case = make.case("visited", unit="绿苑1号楼党小组")
        branch = make.unit("绿苑小区楼院党支部")
        case_id, secretary = case.id, branch.secretary_name
        db.session.remove()
    login(phone)
    _language(phone, code)
    phone.goto(f"/cases/{case_id}/card")
    expect(phone.locator(".contact-card .branch")).to_have_text("绿苑小区楼院党支部")
    expect(phone.locator(".contact-card .secretary")).to_contain_text(secretary)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


TABLES_FIT_OR_SCROLL = """() => Array.from(document.querySelectorAll('main table')).map(table => {
    const box = table.getBoundingClientRect();
    const wrap = table.closest('.table-scroll');
    const out = {id: table.id, fits: box.left >= 0 && box.right <= innerWidth + 0.5};
    if (out.fits || !wrap) return out;
    const frame = wrap.getBoundingClientRect();
    out.wrapInside = frame.left >= 0 && frame.right <= innerWidth + 0.5;
    out.scrolls = getComputedStyle(wrap).overflowX === 'auto' && wrap.scrollWidth > wrap.clientWidth;
    wrap.scrollLeft = wrap.scrollWidth;
    const first = table.querySelector('tbody tr > :first-child');
    out.firstStays = Math.abs(first.getBoundingClientRect().left - frame.left) < 2;
    wrap.scrollLeft = 0;
    return out;
})"""


@pytest.mark.parametrize("code", LANGUAGES)
def test_dashboard_tables_fit_or_scroll_in_their_card_with_the_first_column_fixed(phone, live_app, code, backend):
    login(phone, "demo-supervisor")
    _language(phone, code)
    phone.goto("/supervisor/")
    tables = phone.evaluate(TABLES_FIT_OR_SCROLL)
    assert len(tables) >= 5
    for table in tables:
        assert table["fits"] or (table["wrapInside"] and table["scrolls"] and table["firstStays"]), table
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    # The chart names each branch in full (on its own line above the bar).
    labels = phone.locator("figure.chart[data-table=overdue-table] text.bar-label").all_text_contents()
    assert "在京务工创业人员党支部" in labels
    screenshot(phone, f"supervisor-dashboard-{code}", backend)


@pytest.mark.parametrize("code", LANGUAGES)
def test_small_things_on_the_case_screens(phone, live_app, code, backend):
    from tests.support.factories import Factory

    with live_app.app_context():
        make = Factory(live_app)
        frozen_case, open_case = make.case("in_review").id, make.case("visited").id
        db.session.remove()
    login(phone)
    _language(phone, code)
    phone.goto(f"/cases/{frozen_case}/registration")  # frozen: nothing invites a partial save
    assert phone.locator("main form").count() == 0 and phone.locator("main p.hint").count() == 0
    phone.goto(f"/cases/{open_case}/registration")  # a section's legend is not repeated as its label
    for name in ("original_address", "destination_address", "workplace"):
        assert phone.locator(f"label[for={name}]").bounding_box()["height"] <= 1
    phone.goto(f"/cases/{frozen_case}")
    reason = phone.locator("input.reveal-reason")
    fits = reason.evaluate("el => { const c = document.createElement('canvas').getContext('2d');"
                           " c.font = getComputedStyle(el).font;"
                           " return c.measureText(el.placeholder).width < el.clientWidth - 10; }")
    assert fits
    call = phone.locator("dd.phone a.call")
    assert call.get_attribute("href") == f"/cases/{frozen_case}/call"
    screenshot(phone, f"worker-case-{code}", backend)
