"""Log in and out; load the user of each request; every page needs a login by default."""

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from forms.auth import LoginForm
from web import sessions
from workflow.accounts.login import log_in, log_out
from workflow.text import N_

bp = Blueprint("auth", __name__)

# Endpoints an anonymous visitor may reach; everything else redirects to login.
# tests/test_security_routes.py pins this set: adding to it is a reviewed decision.
PUBLIC_ENDPOINTS = {"auth.login", "static", "health.healthz", "i18n.switch_language",
                    "member.open_link", "member.answer", "member.send"}  # the card's link: web/member

# Why the user has to log in again, when a session ended on its own.
ENDED_MESSAGES = {
    "idle": N_("长时间未操作，请重新登录"),
    "expired": N_("登录已超过最长时间，请重新登录"),
    "password": N_("密码已在其他地方修改，请重新登录"),
}


def load_user():
    """Put the logged-in user and the session row on g, or None; a dead session is dropped."""
    g.user = g.login_session = None
    if request.endpoint == "static":
        return
    row, ended = sessions.current()
    if row is None:
        if ended:
            session.clear()
            if ended in ENDED_MESSAGES:
                flash(_(ENDED_MESSAGES[ended]), "error")
        return
    if not row.user.active:
        session.clear()
        return
    g.user, g.login_session = row.user, row


def require_login():
    """Redirect anonymous visitors to the login page, except for public endpoints."""
    load_user()
    if g.user is None and request.endpoint not in PUBLIC_ENDPOINTS:
        if request.accept_mimetypes.best == "application/json":
            abort(401)
        return redirect(url_for("auth.login", next=request.full_path))
    return None


# Supervisors start on 督导总览 (their work is the subtree's), everyone else on 今日待办.
HOME = {"supervisor": "supervisor.dashboard", "admin": "supervisor.dashboard"}


def _safe_next(target, role=None):
    """Follow only a local path: no other host, no scheme, no backslash tricks; else the role's start page."""
    if (target and target.startswith("/") and not target.startswith("//")
            and "\\" not in target and not any(ord(c) < 32 for c in target)):
        return target
    return url_for(HOME.get(role, "cases.index"))


def throttled(form):
    """Answer an attempt over the limit: 429 with Retry-After, the password unchecked."""
    minutes = current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"]
    flash(_("登录失败次数过多，请%(minutes)s分钟后再试", minutes=minutes), "error")
    response = current_app.make_response((render_template("auth/login.html", form=form), 429))
    response.headers["Retry-After"] = str(minutes * 60)
    return response


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form and log the user in, within the brute-force limit."""
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form)
    result = log_in(form.username.data.strip(), form.password.data, sessions.client_address(), sessions.user_agent())
    if result.outcome == "throttled":
        return throttled(form)
    if result.outcome == "failed":
        flash(_("用户名或密码错误"), "error")
        return render_template("auth/login.html", form=form)
    sessions.start(result.token)
    return redirect(_safe_next(request.args.get("next"), result.role))


@bp.post("/logout")
def logout():
    """Log out: this session ends on the server, so a captured copy of its cookie is refused."""
    log_out(g.login_session, g.user, sessions.client_address())
    session.clear()
    response = redirect(url_for("auth.login"))
    # The phone's offline copies and queue go too, even where offline.js did not run (docs/offline.md).
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


def init_app(app):
    app.before_request(require_login)
