"""Field work without signal, on a phone (390×844) in Chromium: the due list and its cases open
from the phone's copy, a visit and a follow-up are queued, survive a reload, and reach the
server exactly once when the signal returns; a conflict is shown with both versions; logout
leaves no case data on the phone.

"No signal" is real here: the server stops listening (connection refused) and Playwright's
offline mode tells the page it is offline; the signal returns on the same address.
"""

import re
import socket
import threading

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from sqlalchemy import func, select
from werkzeug.serving import make_server

from tests.support.browser import PHONE, login, logout, screenshot
from tests.support.factories import Factory
from workflow.cases import services
from workflow.db import db, utcnow
from workflow.models import Case, ContactLog
from workflow.privacy import pii


class Signal:
    """The live app on one loopback port that can stop answering and answer again."""

    def __init__(self, app):
        self.app = app
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.server = None
        self.url = f"http://127.0.0.1:{self.port}"

    def on(self):
        self.server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def off(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)
        self.server = None


@pytest.fixture
def signal(live_app):
    signal = Signal(live_app)
    signal.on()
    yield signal
    if signal.server is not None:
        signal.off()


@pytest.fixture
def field_phone(browser, signal):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  locale="zh-CN", base_url=signal.url, service_workers="allow")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def cases(app, *states):
    with app.app_context():
        made = [Factory(app).case(state) for state in states]
        out = [(c.id, pii.decrypt(c.person.id_cipher)) for c in made]
        db.session.remove()
    return out


def contacts(app, case_id, kind=None):
    with app.app_context():
        query = select(func.count()).select_from(ContactLog).where(ContactLog.case_id == case_id)
        if kind:
            query = query.where(ContactLog.kind == kind)
        count = db.session.scalar(query)
        db.session.remove()
    return count


def state_of(app, case_id):
    with app.app_context():
        state = db.session.get(Case, case_id).state
        db.session.remove()
    return state


def cache_ready(page):
    """An online visit of 今日待办 keeps it and its cases on the phone."""
    page.goto("/")
    expect(page.locator(".offline-note.offline-ready")).to_contain_text("已可离线使用 · 数据截至")


def lose_signal(page, signal):
    signal.off()
    page.context.set_offline(True)


def regain_signal(page, signal):
    signal.on()
    page.context.set_offline(False)


def open_offline(page, path):
    page.goto(path)
    expect(page.locator(".offline-note.offline-copy")).to_have_text(re.compile(r"^离线 · 数据截至 \d\d:\d\d$"))


def submit_queued(page, case_id):
    """Send the screen's form without signal: the phone keeps it and shows the case again."""
    page.click("main form:not(.inline) button[type=submit]")
    page.wait_for_url(re.compile(rf"/cases/{case_id}\?queued=1$"))


def queue_visit(page, case_id):
    open_offline(page, f"/cases/{case_id}")
    page.click("a.action[data-trigger=visit]")
    page.wait_for_url(re.compile(rf"/cases/{case_id}/visit$"))
    page.fill("#met_with", "本人")
    page.fill("#notes", "在过渡房见到本人，无信号")
    submit_queued(page, case_id)
    expect(page.locator(".offline-note.offline-queued")).to_contain_text("待同步")


def test_a_visit_and_a_follow_up_logged_offline_reach_the_server_exactly_once(field_phone, signal, live_app, backend):
    page = field_phone
    (visit_id, number), (follow_id, _) = cases(live_app, "identified", "following")
    before = contacts(live_app, follow_id)
    login(page)
    cache_ready(page)
    lose_signal(page, signal)

    open_offline(page, "/")
    queue_visit(page, visit_id)
    expect(page.locator("p.offline-pending")).to_have_text("待同步：入户走访")
    expect(page.locator("form.reveal button")).to_be_disabled()  # showing a full number needs the server
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "offline-01-visit-queued", backend)

    open_offline(page, f"/cases/{follow_id}")
    page.click("a.action[data-trigger=contact]")
    page.wait_for_url(re.compile(rf"/cases/{follow_id}/follow-up"))
    page.fill("#notes", "电话联系上，一切正常")
    submit_queued(page, follow_id)

    page.reload()  # the queue lives in IndexedDB, not in the page
    expect(page.locator("p.offline-pending")).to_have_text("待同步：跟踪联系")
    open_offline(page, "/")
    expect(page.locator(f"li.case-row[data-case='{visit_id}'] .offline-pending")).to_have_text("待同步")
    expect(page.locator(f"li.case-row[data-case='{follow_id}'] .offline-pending")).to_have_text("待同步")
    screenshot(page, "offline-02-due-list-pending", backend)
    cached = page.evaluate("""async () => {
        const cache = await caches.open('dongqian-pages-v1');
        const keys = await cache.keys();
        const texts = await Promise.all(keys.map(async k => (await cache.match(k)).text()));
        return {paths: keys.map(k => new URL(k.url).pathname), text: texts.join('\\n')};
    }""")
    assert number not in cached["text"]  # masked, as the server renders it
    assert all(re.fullmatch(r"/|/cases/\d+(/(visit|follow-up|registration))?", p) for p in cached["paths"])
    assert contacts(live_app, visit_id) == 0

    regain_signal(page, signal)
    expect(page.locator(".offline-note.offline-synced")).to_have_text("已同步2条离线记录")
    expect(page.locator(".offline-pending")).to_have_count(0)
    assert contacts(live_app, visit_id, "visit") == 1
    assert contacts(live_app, follow_id) == before + 1
    assert state_of(live_app, visit_id) == "visited"
    page.reload()  # nothing is sent twice
    assert contacts(live_app, visit_id) == 1 and contacts(live_app, follow_id) == before + 1


def test_a_case_changed_on_the_server_meanwhile_shows_both_versions_and_the_worker_chooses(
        field_phone, signal, live_app, backend):
    page = field_phone
    [(case_id, _)] = cases(live_app, "identified")
    login(page)
    cache_ready(page)
    lose_signal(page, signal)
    queue_visit(page, case_id)
    with live_app.app_context():  # meanwhile, in the office
        case = db.session.get(Case, case_id)
        supervisor = Factory(live_app).user("demo-supervisor")
        services.join_group(case, supervisor, "绿苑小区联络群", utcnow(), expected_version=case.version)
        db.session.remove()

    regain_signal(page, signal)
    conflict = page.locator("#offline-queue .offline-conflict")
    expect(conflict).to_contain_text("您离线期间此案件已被修改")
    expect(conflict.locator(".offline-server")).to_contain_text("待走访")
    expect(conflict.locator(".offline-yours")).to_contain_text("在过渡房见到本人，无信号")
    assert contacts(live_app, case_id) == 0
    screenshot(page, "offline-03-conflict", backend)
    conflict.locator("button.use-mine").click()
    expect(page.locator(".offline-note.offline-synced")).to_have_text("已同步1条离线记录")
    expect(page.locator("#offline-queue")).to_have_count(0)
    assert contacts(live_app, case_id, "visit") == 1 and state_of(live_app, case_id) == "visited"


def test_logout_leaves_no_case_data_on_the_phone(field_phone, signal, live_app):
    page = field_phone
    cases(live_app, "identified", "following")
    login(page)
    cache_ready(page)
    assert page.evaluate("caches.keys()") != []
    logout(page)
    assert page.evaluate("caches.keys()") == []
    databases = page.evaluate("indexedDB.databases().then(all => all.map(d => d.name))")
    assert "dongqian-offline" not in databases


def test_two_items_on_one_case_apply_in_order_without_a_false_conflict(field_phone, signal, live_app):
    page = field_phone
    [(case_id, _)] = cases(live_app, "identified")
    login(page)
    cache_ready(page)
    lose_signal(page, signal)
    queue_visit(page, case_id)
    page.click("a.edit:has-text('填写五必登')")
    page.wait_for_url(re.compile(rf"/cases/{case_id}/registration$"))
    page.fill("#workplace", "商丘建筑公司")
    page.fill("#work_city", "北京")
    submit_queued(page, case_id)
    expect(page.locator("p.offline-pending")).to_have_text("待同步：入户走访、五必登")
    regain_signal(page, signal)
    expect(page.locator(".offline-note.offline-synced")).to_have_text("已同步2条离线记录")
    expect(page.locator("#offline-queue")).to_have_count(0)
    page.goto(f"/cases/{case_id}")
    expect(page.locator("li[data-item=workplace]")).to_contain_text("商丘建筑公司")
    assert state_of(live_app, case_id) == "visited" and contacts(live_app, case_id, "visit") == 1


def test_a_number_the_server_rejects_reopens_the_form_with_the_error_at_its_field(field_phone, signal, live_app):
    page = field_phone
    [(case_id, _)] = cases(live_app, "following")
    before = contacts(live_app, case_id)
    login(page)
    cache_ready(page)
    lose_signal(page, signal)
    open_offline(page, f"/cases/{case_id}")
    page.click("a.action[data-trigger=contact]")
    page.fill("#notes", "换了新号码")
    page.fill("#new_phone", "1380013")
    submit_queued(page, case_id)
    regain_signal(page, signal)
    stuck = page.locator("#offline-queue .offline-invalid")
    expect(stuck).to_contain_text("新手机号码")
    assert contacts(live_app, case_id) == before
    stuck.locator("a.edit-item").click()
    page.wait_for_url(re.compile(rf"/cases/{case_id}/follow-up#offline="))
    expect(page.locator("#new_phone-error")).not_to_have_text("")
    assert page.input_value("#notes") == "换了新号码"  # as typed
    assert page.input_value("#new_phone") == "1380013"
    page.fill("#new_phone", "13800138000")
    with page.expect_navigation():
        page.click("main form:not(.inline) button[type=submit]")
    page.wait_for_url(re.compile(rf"/cases/{case_id}(#.*)?$"))  # the fragment survives the redirect
    expect(page.locator(".flash-success")).to_have_text("已记录跟踪联系")
    expect(page.locator("#offline-queue")).to_have_count(0)
    assert contacts(live_app, case_id) == before + 1


def test_a_phone_offline_longer_than_offline_max_days_wipes_its_copies(field_phone, signal, live_app):
    page = field_phone
    [(case_id, _)] = cases(live_app, "identified")
    login(page)
    cache_ready(page)
    lose_signal(page, signal)
    days = live_app.config["OFFLINE_MAX_DAYS"]
    page.evaluate("""days => OfflineStore.mark('online', Date.now() - (days + 1) * 86400000)""", days)
    page.goto("/")
    page.wait_for_function("""async () => (await caches.keys()).length === 0 &&
        !(await indexedDB.databases()).some(d => d.name === 'dongqian-offline')""")
    with pytest.raises(PlaywrightError, match="ERR_FAILED|ERR_INTERNET_DISCONNECTED"):
        page.goto(f"/cases/{case_id}")  # no copy left to open


def cached_text(page):
    return page.evaluate("""async () => {
        const cache = await caches.open('dongqian-pages-v1');
        const keys = await cache.keys();
        return (await Promise.all(keys.map(async k => (await cache.match(k)).text()))).join('\\n');
    }""")


def test_a_form_sent_when_the_signal_is_gone_but_the_phone_thinks_it_is_online_is_queued(
        field_phone, signal, live_app):
    page = field_phone
    [(case_id, _)] = cases(live_app, "identified")
    login(page)
    cache_ready(page)
    page.goto(f"/cases/{case_id}/visit")  # opened with signal
    page.fill("#met_with", "家属")
    signal.off()  # the signal goes; navigator.onLine still says online
    submit_queued(page, case_id)
    expect(page.locator("p.offline-pending")).to_have_text("待同步：入户走访")
    signal.on()
    page.goto("/")  # the next page opened with signal sends the queue
    expect(page.locator(".offline-note.offline-synced")).to_have_text("已同步1条离线记录")
    assert contacts(live_app, case_id, "visit") == 1


def test_a_revealed_id_number_is_never_kept_on_the_phone(field_phone, signal, live_app):
    page = field_phone
    [(case_id, number)] = cases(live_app, "identified")
    login(page)
    cache_ready(page)
    page.goto(f"/cases/{case_id}")
    page.fill("#reason", "核对安置协议")
    with page.expect_navigation():
        page.click("form.reveal button[type=submit]")
    expect(page.locator(".full-id")).to_have_text(number)
    page.goto(f"/cases/{case_id}")  # the case page is renewed in the cache, masked
    cache_ready(page)
    assert number not in cached_text(page)


def test_a_session_ended_on_the_server_wipes_the_copied_pages_at_the_next_contact(field_phone, signal, live_app):
    page = field_phone
    cases(live_app, "identified")
    login(page)
    cache_ready(page)
    assert "dongqian-pages-v1" in page.evaluate("caches.keys()")
    with live_app.app_context():  # e.g. 30 minutes idle, or the password changed elsewhere
        from workflow.accounts.sessions import end_all

        end_all(Factory(live_app).user("demo-worker"), "idle")
        db.session.commit()
        db.session.remove()
    page.goto("/")
    page.wait_for_url(re.compile(r"/login"))
    page.wait_for_function("caches.keys().then(k => !k.includes('dongqian-pages-v1'))")


def test_in_english_the_offline_copy_the_queue_and_the_sync_speak_english(field_phone, signal, live_app, backend):
    page = field_phone
    [(case_id, _number)] = cases(live_app, "identified")
    login(page)
    page.goto("/lang/en")
    page.goto("/")
    expect(page.locator(".offline-note.offline-ready")).to_contain_text("Ready offline · data as of")
    lose_signal(page, signal)
    page.goto(f"/cases/{case_id}")
    expect(page.locator(".offline-note.offline-copy")).to_have_text(re.compile(r"^Offline · data as of \d\d:\d\d$"))
    page.click("a.action[data-trigger=visit]")
    page.wait_for_url(re.compile(rf"/cases/{case_id}/visit$"))
    page.fill("#met_with", "本人")
    submit_queued(page, case_id)
    expect(page.locator(".offline-note.offline-queued")).to_contain_text("waiting to sync")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "offline-en-visit-queued", backend)
    regain_signal(page, signal)
    expect(page.locator(".offline-note.offline-synced")).to_have_text("Offline records synced: 1")
    assert contacts(live_app, case_id, "visit") == 1
