"""The supervisor's overview: counts by state and unit, overdue buckets, link health."""

from flask import g, render_template

from workflow.db import utcnow
from workflow.reports import dashboard, link_health, mobility_board
from workflow.reports.filters import BUCKET_LABELS, BUCKETS


def index():
    """One page for the subtree: what stands where, what is overdue (worst first), link health."""
    now = utcnow()
    board = dashboard.build(g.user, now)
    health_rows, health_overall = link_health.report(g.user, now)
    return render_template(
        "supervisor/dashboard.html", board=board, buckets=list(BUCKETS), bucket_labels=BUCKET_LABELS,
        worst=dashboard.most_overdue(g.user, now), health_rows=health_rows, health_overall=health_overall,
        share=link_health.share, now=now, unit=g.user.org_unit,
        mobility=mobility_board.board(g.user.org_unit.path, now), mobility_buckets=mobility_board.BUCKETS,
    )
