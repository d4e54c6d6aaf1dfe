"""Supervisor pages: shared access rule, helpers and the registration of their blueprints.

Every page is for supervisors and administrators only (403 for other roles) and
shows the viewer's own subtree; a unit or case outside it answers 404.
"""

from flask import Blueprint, abort, g, request

from workflow.reports.filters import FilterError, days_late, from_args

ROLES = ("supervisor", "admin")


def require_supervisor():
    """Refuse (403) every role but supervisor and admin; runs before each supervisor view."""
    if g.user is None or g.user.role not in ROLES:
        abort(403)


def blueprint(name, import_name):
    """Make a supervisor blueprint: every view behind the role check."""
    bp = Blueprint(name, import_name)
    bp.before_request(require_supervisor)
    return bp


def current_filter(args=None):
    """The case filter of this request's arguments; a value outside the subtree is a 404."""
    try:
        return from_args(request.args if args is None else args, g.user)
    except FilterError:
        abort(404)


def selected_ids():
    """The case ids ticked in a list form (case_id=...), as ints, in order, once each."""
    ids = []
    for value in request.form.getlist("case_id"):
        if value.isdigit() and int(value) not in ids:
            ids.append(int(value))
    return ids


def init_app(app):
    """Register every supervisor blueprint under /supervisor."""
    from web import audit_view, caselist, dashboard, ledger, process_page, review, roster

    app.add_template_global(days_late)
    for module in (dashboard, caselist, review, ledger, roster, process_page, audit_view):
        app.register_blueprint(module.bp, url_prefix="/supervisor")
