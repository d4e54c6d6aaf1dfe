"""In Chromium: the strict CSP breaks nothing on any page, hostile text stays text, account pages on a phone."""

import os

from playwright.sync_api import expect

from tests.support.browser import login, screenshot
from tests.support.factories import Factory
from tests.support.security.payloads import PAYLOADS
from tests.support.security.routes import all_rules, build, int_args
from tests.support.security.world import own_values
from workflow.db import db
from workflow.models import Case

WATCH_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));
"""


def page_urls(app, username, case_id):
    """Every GET page of the live url_map for this user, in-scope ids filled in."""
    with app.app_context():
        user = Factory(app).user(username)
        case = db.session.get(Case, case_id)
        urls = []
        for rule in all_rules(app):
            # cases.call answers a redirect to tel:, which a browser hands to the dialler: no page
            if "GET" in rule.methods and rule.endpoint not in ("static", "i18n.switch_language", "health.healthz",
                                                               "cases.call"):
                urls.append(build(rule, own_values(rule, case, user, int_args)))
        return urls


def test_no_page_violates_the_content_security_policy(phone, live_app, backend):
    with live_app.app_context():
        case_id = Factory(live_app).case("following").id
    violations, messages = {}, []
    phone.on("console", lambda m: messages.append(m.text) if "Content Security Policy" in m.text else None)
    phone.add_init_script(WATCH_CSP)
    login(phone, "demo-supervisor")
    urls = page_urls(live_app, "demo-supervisor", case_id)
    assert "/" in urls and f"/cases/{case_id}" in urls and "/account/password" in urls
    for url in urls:
        phone.goto(url)
        phone.wait_for_load_state()
        found = phone.evaluate("window.__csp")
        if found:
            violations[url] = found
    assert violations == {} and messages == []
    # The stylesheet really applies under the policy (a blocked one would leave the default).
    phone.goto("/account/password")
    assert phone.evaluate("getComputedStyle(document.querySelector('.topbar')).display") == "flex"


def test_hostile_names_and_notes_stay_text_in_the_browser(phone, live_app):
    from tests.security.test_security_xss import hostile_case

    with live_app.app_context():
        make = Factory(live_app)
        case_ids = {p: hostile_case(make, p.strip()).id for p in PAYLOADS[:4]}
    dialogs = []
    phone.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    login(phone)
    for payload, case_id in case_ids.items():
        phone.goto(f"/cases/{case_id}")
        assert payload.strip() in phone.locator("h1").inner_text()
        assert phone.locator("main img[src=x], main svg").count() == 0  # the bell icon sits outside main
    assert dialogs == []


def test_account_pages_on_a_phone(phone, backend):
    login(phone)
    phone.click("header .menu summary")  # the account link lives in the header's menu
    phone.click("text=账户安全")
    expect(phone.get_by_text("正在登录的设备")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert os.path.getsize(screenshot(phone, "account-sessions", backend)) > 5_000
    phone.click("text=修改密码")
    phone.fill("input[name=old_password]", "wrong-one")
    phone.fill("input[name=new_password]", "short")
    phone.fill("input[name=confirm]", "short")
    phone.click("main button[type=submit]")  # the header's logout button is a submit button too
    expect(phone.locator("#new_password-error")).to_have_text("新密码至少需要12个字符")
    expect(phone.locator(".error-summary a[href='#new_password']")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "password-change-error", backend)
