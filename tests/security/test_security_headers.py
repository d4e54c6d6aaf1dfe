"""Response headers on every page: own scripts and styles only, never framed, never cached."""

import glob
import os
import re

import pytest
from flask import g
from sqlalchemy import func, select

from tests.support import ROOT
from tests.support.security.probes import pages
from tests.support.security.world import sign_in
from web.views import CSP
from workflow.db import db
from workflow.models import AuditEvent
from workflow.models.audit import record

# Inline code a strict CSP blocks: it would silently not work in the browser.
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "on…= event handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def header_problems(response, page=True):
    """What is missing or weak in one response's headers."""
    h = response.headers
    problems = []
    csp = h.get("Content-Security-Policy", "")
    directives = dict((d.strip().split(" ", 1) + [""])[:2] for d in csp.split(";") if d.strip())
    for name in ("script-src", "style-src"):
        if directives.get(name, directives.get("default-src")) != "'self'":
            problems.append(f"CSP {name} is {directives.get(name)!r}, not 'self' only")
    if directives.get("frame-ancestors") != "'none'":
        problems.append("CSP frame-ancestors is not 'none'")
    if directives.get("object-src") != "'none'":
        problems.append("CSP object-src is not 'none'")
    if h.get("X-Content-Type-Options") != "nosniff":
        problems.append("no nosniff")
    if h.get("Referrer-Policy") not in ("same-origin", "no-referrer", "strict-origin-when-cross-origin"):
        problems.append(f"Referrer-Policy {h.get('Referrer-Policy')!r}")
    if page and "no-store" not in h.get("Cache-Control", ""):
        problems.append(f"Cache-Control {h.get('Cache-Control')!r} on a page")
    return problems


def test_the_policy_allows_only_the_apps_own_scripts_and_styles():
    assert "script-src 'self';" in CSP and "style-src 'self';" in CSP
    assert "unsafe-inline" not in CSP and "unsafe-eval" not in CSP and "*" not in CSP
    assert "frame-ancestors 'none'" in CSP


@pytest.mark.parametrize("username", ["demo-worker", "demo-supervisor", "demo-admin", "beijing-secretary"])
def test_every_page_carries_the_headers_and_no_inline_code(app, client, make, username):
    user = make.user(username)
    case = make.case("following", unit="绿苑小区楼院党支部" if username != "beijing-secretary" else "丰台花乡流动党小组",
                     worker="demo-worker" if username != "beijing-secretary" else username)
    sign_in(client, user)
    checked = 0
    for rule, url, response in pages(app, client, user, case):
        problems = header_problems(response)
        body = response.get_data(as_text=True)
        if response.mimetype == "text/html":
            problems += [what for pattern, what in INLINE if pattern.search(body)]
        assert problems == [], f"{rule.endpoint} {url}: {problems}"
        checked += 1
    assert checked >= 5


def test_pages_without_a_login_and_error_pages_carry_them_too(app, client, auth):
    for response in (client.get("/login"), client.get("/"), client.get("/healthz"), client.get("/lang/en")):
        assert header_problems(response) == []
    auth.login()
    assert header_problems(client.get("/cases/999999")) == []  # 404 page
    for _ in range(6):
        auth.login(password="wrong")
    limited = auth.login(password="wrong")
    assert limited.status_code == 429 and header_problems(limited) == []


def test_static_files_carry_nosniff_and_the_policy_but_may_be_cached(client):
    response = client.get("/static/css/app.css")
    assert header_problems(response, page=False) == []
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()


def test_a_view_cannot_weaken_the_headers(app, client, auth):
    @app.get("/weak")
    def weak():
        return "x", 200, {"Content-Security-Policy": "default-src *", "Cache-Control": "public, max-age=600"}

    auth.login()
    assert header_problems(client.get("/weak")) == []


def test_hsts_is_sent_over_https_only(app, client, auth):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    secure = client.get("/login", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_behind_a_configured_proxy_the_client_address_comes_from_it(database, tmp_path, monkeypatch):
    from tests.conftest import make_app
    from tests.support.factories import PASSWORD

    app = make_app(database, tmp_path, monkeypatch, PROXY_FIX_X_FOR=1)
    with app.app_context():
        client = app.test_client()
        client.post("/login", data={"username": "demo-worker", "password": PASSWORD},
                    headers={"X-Forwarded-For": "203.0.113.7"})
        assert db.session.scalar(select(AuditEvent.address).where(AuditEvent.action == "login")) == "203.0.113.7"
        db.session.remove()
        db.engine.dispose()


def test_templates_contain_no_inline_script_style_or_handlers():
    problems = []
    for path in glob.glob(os.path.join(ROOT, "templates", "**", "*.html"), recursive=True):
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        problems += [f"{os.path.relpath(path, ROOT)}: {what}" for pattern, what in INLINE if pattern.search(text)]
    assert problems == []


def unaudited_downloads(app, client, user, case):
    """Return the pages that answered with a file (an export) without a new "export…" audit row."""

    def exports():
        return db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action.like("export%"), AuditEvent.user_id == user.id))

    missing, before = [], exports()
    for _rule, url, response in pages(app, client, user, case):  # each request runs as the loop advances
        after = exports()
        if "attachment" in response.headers.get("Content-Disposition", "") and after == before:
            missing.append(url)
        before = after
    return missing


def test_every_download_leaves_an_export_audit_row(app, client, make):
    @app.get("/export-audited.csv")
    def audited():
        record("export", user=g.user, rows=0)
        db.session.commit()
        return "a,b\n", 200, {"Content-Disposition": "attachment; filename=x.csv"}

    @app.get("/export-silent.csv")
    def silent():
        return "a,b\n", 200, {"Content-Disposition": "attachment; filename=y.csv"}

    user = make.user("demo-supervisor")
    sign_in(client, user)
    assert unaudited_downloads(app, client, user, make.case("following")) == ["/export-silent.csv"]
