"""What every page shares: error pages, template helpers and response headers."""

from flask import abort, g, has_request_context, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from forms.fields import ID_PARAMETERS, beyond_id_range
from workflow.models.org import KINDS as UNIT_KINDS
from workflow.models.user import ROLES
from workflow.privacy.identity import mask_phone
from workflow.privacy.reveal import REVEALED_KEY, revealed
from workflow.process.engine import get_engine
from workflow.text import current_language, label


def _error(code, message):
    return render_template("error.html", code=code, message=message), code


def not_found(_exc):
    return _error(404, _("页面不存在，或您无权查看"))


def forbidden(_exc):
    return _error(403, _("您的角色不能执行此操作"))


def csrf_failed(_exc):
    return _error(400, _("表单已过期或来源无效，请刷新页面后重试"))


def refuse_ids_out_of_range():
    """A 404 for an id parameter (query string or form) no database row can have.

    Paths are bounded by web/converters.py; this bounds the ids views read from
    request.args and request.form themselves, once for the whole app.
    """
    for values in (request.args, request.form):
        for name in ID_PARAMETERS & values.keys():
            if any(beyond_id_range(v) for v in values.getlist(name)):
                abort(404)


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


# Only the app's own files: no inline script or style, no plugins, never framed.
CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
])
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # the language switch goes back to the referring page
    "X-Frame-Options": "DENY",  # frame-ancestors for old browsers
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def security_headers(response):
    """Own scripts and styles only, never framed; pages (all but static files) never cached."""
    response.headers.update(HEADERS)  # set, not setdefault: a view cannot weaken them
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    return response


def trust_proxies(app):
    """Behind PROXY_FIX_X_FOR reverse proxies, take the client address and scheme from them."""
    hops = int(app.config["PROXY_FIX_X_FOR"])
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def keep_revealed(_app, numbers):
    """Note the ID numbers a request shows on purpose, for the response checks (tests/security)."""
    if has_request_context():
        request.environ.setdefault(REVEALED_KEY, set()).update(numbers)


def init_app(app):
    revealed.connect(keep_revealed, app)
    app.register_error_handler(404, not_found)
    app.register_error_handler(403, forbidden)
    app.register_error_handler(CSRFError, csrf_failed)
    app.before_request(refuse_ids_out_of_range)  # after web.auth's login check
    app.context_processor(template_helpers)
    app.after_request(security_headers)
    trust_proxies(app)
