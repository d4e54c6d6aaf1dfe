"""What every page shares: error pages, template helpers and response headers."""

from flask import g, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from workflow.engine import get_engine
from workflow.identity import mask_phone
from workflow.models.org import KINDS as UNIT_KINDS
from workflow.models.user import ROLES
from workflow.text import current_language, label


def _error(code, message):
    return render_template("error.html", code=code, message=message), code


def not_found(_exc):
    return _error(404, _("页面不存在，或您无权查看"))


def forbidden(_exc):
    return _error(403, _("您的角色不能执行此操作"))


def csrf_failed(_exc):
    return _error(400, _("表单已过期或来源无效，请刷新页面后重试"))


def template_helpers():
    engine = get_engine()
    return {
        "current_user": g.get("user"),
        "state_label": engine.state_label,
        "trigger_label": engine.trigger_label,
        "label": label,
        "language": current_language(),
        "mask_phone": mask_phone,
        "role_label": lambda role: label(ROLES[role]),
        "unit_kind_label": lambda kind: label(UNIT_KINDS[kind]),
    }


def security_headers(response):
    """Own scripts and styles only; pages with personal data are never cached."""
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; object-src 'none'; "
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app):
    app.register_error_handler(404, not_found)
    app.register_error_handler(403, forbidden)
    app.register_error_handler(CSRFError, csrf_failed)
    app.context_processor(template_helpers)
    app.after_request(security_headers)
