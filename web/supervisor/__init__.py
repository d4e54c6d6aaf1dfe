"""Supervisor pages (督导工作台): one blueprint under /supervisor, behind one role check.

Every page is for supervisors and administrators only (403 for other roles) and
shows the viewer's own subtree; a unit or case outside it answers 404. The views
live in one module per screen; the URL map below is the whole of the package's URLs.
"""

from flask import Blueprint, abort, g

from web.supervisor import audit, cases, dashboard, ledger, mobility, monthly, process, review, roster
from web.supervisor.helpers import ROLES
from workflow.reports.filters import days_late
from workflow.reports.monthly.figures import column_label

bp = Blueprint("supervisor", __name__, url_prefix="/supervisor")

# (rule, endpoint, view, methods): the endpoints are "supervisor.<endpoint>".
ROUTES = (
    ("/", "dashboard", dashboard.index, ["GET"]),
    ("/cases", "cases", cases.index, ["GET"]),
    ("/cases/reassign", "reassign", cases.reassign, ["POST"]),
    ("/ledger.xlsx", "ledger", ledger.export, ["POST"]),
    ("/review", "review", review.queue, ["GET"]),
    ("/review/approve", "approve", review.approve, ["POST"]),
    ("/review/<int:case_id>/send-back", "send_back", review.send_back, ["POST"]),
    ("/roster", "roster", roster.upload, ["GET", "POST"]),
    ("/roster/<int:batch_id>", "roster_batch", roster.show, ["GET"]),
    ("/roster/<int:batch_id>/confirm", "roster_confirm", roster.confirm, ["POST"]),
    ("/process", "process", process.show, ["GET"]),
    ("/audit", "audit", audit.index, ["GET"]),
    ("/mobility", "mobility", mobility.index, ["GET"]),
    ("/mobility/cases", "mobility_cases", mobility.cases, ["GET"]),
    ("/mobility/cases.xlsx", "mobility_export", mobility.export, ["POST"]),
    ("/mobility/certificates", "certificates", mobility.certificates, ["GET"]),
    ("/mobility/certificates.xlsx", "certificates_export", mobility.certificates_export, ["POST"]),
    ("/monthly", "monthly", monthly.index, ["GET"]),
    ("/monthly/<period>/submit", "monthly_submit", monthly.submit, ["POST"]),
    ("/monthly/<period>/cases", "monthly_cases", monthly.cases, ["GET"]),
    ("/monthly/reports/<int:report_id>", "monthly_copy", monthly.copy, ["GET"]),
    ("/monthly/reports/<int:report_id>/export.<fmt>", "monthly_export", monthly.export, ["GET"]),
    ("/monthly/<period>/export.<fmt>", "monthly_export_draft", monthly.export_draft, ["GET"]),
    ("/monthly/reports/<int:report_id>/send-back", "monthly_send_back", monthly.send_back, ["POST"]),
)


def _add_routes(blueprint):
    for rule, endpoint, view, methods in ROUTES:
        blueprint.add_url_rule(rule, endpoint, view, methods=methods)


_add_routes(bp)


@bp.before_request
def require_supervisor():
    """Refuse (403) every role but supervisor and admin; runs before each supervisor view."""
    if g.user is None or g.user.role not in ROLES:
        abort(403)


bp.app_context_processor(review.review_count)  # the badge in every supervisor page's menu


def init_app(app):
    """Register the supervisor blueprint and the template helper its pages share."""
    app.add_template_global(days_late)
    app.add_template_global(column_label)
    app.register_blueprint(bp)
