"""A supervisor opens the dashboard on a phone: numbers, the app's own chart, links to cases."""

import os
from datetime import timedelta

from tests.support.browser import login, screenshot
from workflow.db import db, utcnow


def _seed(live_app):
    from tests.support.factories import Factory

    with live_app.app_context():
        make = Factory(live_app)
        now = utcnow()
        for unit, state, worker, days in [
            ("绿苑小区楼院党支部", "identified", "demo-worker", -3),
            ("绿苑小区楼院党支部", "visited", "demo-worker", -12),
            ("机务段家属院党支部", "following", "demo-worker", -45),
            ("清江花园楼院党支部", "in_review", "qingjiang-worker", -33),
            ("机械厂家属院党支部", "following", "qiancheng-worker", 10),
        ]:
            case = make.case(state, unit=unit, worker=worker)
            case.next_due_at = now + timedelta(days=days)
        db.session.commit()
        db.session.remove()


def test_dashboard_draws_the_chart_and_a_number_opens_its_cases(phone, live_app, backend):
    _seed(live_app)
    login(phone, "demo-supervisor")
    phone.goto("/supervisor/")
    assert phone.locator("h1").inner_text().startswith("督导总览")
    # The chart is drawn by static/js/chart.js from the table: one bar per row, linked segments.
    phone.wait_for_selector("figure[data-table=overdue-table] svg rect.seg-2")
    segments = phone.locator("figure[data-table=overdue-table] svg a rect")
    assert segments.count() >= 4
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    path = screenshot(phone, "supervisor-dashboard", backend)
    assert os.path.getsize(path) > 20_000
    # The total over 30 days is 2: following its link lists exactly two cases.
    phone.locator("#overdue-table tfoot td").nth(2).locator("a").click()
    phone.wait_for_load_state()
    assert phone.locator("li[data-case-id]").count() == 2
    assert "30天以上" in phone.locator("h1").inner_text()
