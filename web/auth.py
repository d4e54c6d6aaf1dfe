"""Log in and out; load the user of each request; every page needs a login by default."""

import functools

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from forms.auth import LoginForm
from web import ratelimit, sessions
from workflow.db import db
from workflow.models import User
from workflow.models.audit import record
from workflow.privacy.reveal import scrub

bp = Blueprint("auth", __name__)

# Endpoints an anonymous visitor may reach; everything else redirects to login.
# tests/test_security_routes.py pins this set: adding to it is a reviewed decision.
PUBLIC_ENDPOINTS = {"auth.login", "static", "health.healthz", "i18n.switch_language",
                    "member.open_link", "member.answer", "member.send"}  # the card's link: web/member

# Why the user has to log in again, when a session ended on its own.
ENDED_MESSAGES = {
    "idle": "长时间未操作，请重新登录",
    "expired": "登录已超过最长时间，请重新登录",
    "password": "密码已在其他地方修改，请重新登录",
}

_dummy_hash = None


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
    user = row.user
    if not user.active or session.get("session_version") != user.session_version:
        session.clear()
        return
    g.user, g.login_session = user, row


def require_login():
    """Redirect anonymous visitors to the login page, except for public endpoints."""
    load_user()
    if g.user is None and request.endpoint not in PUBLIC_ENDPOINTS:
        if request.accept_mimetypes.best == "application/json":
            abort(401)
        return redirect(url_for("auth.login", next=request.full_path))
    return None


def roles_required(*roles):
    """Refuse (403) users whose role is not one of roles."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if g.user is None or g.user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def _safe_next(target):
    """Follow only a local path: no other host, no scheme, no backslash tricks."""
    if (target and target.startswith("/") and not target.startswith("//")
            and "\\" not in target and not any(ord(c) < 32 for c in target)):
        return target
    return url_for("cases.index")


def authenticate(username, password):
    """Return the active user with this password, or None; as slow for unknown names."""
    global _dummy_hash
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        # Hash anyway, so the answer's timing does not tell which usernames exist.
        _dummy_hash = _dummy_hash or generate_password_hash("not-a-password")
        check_password_hash(_dummy_hash, password)
        return None
    return user if user.check_password(password) else None


def throttled(form, attempt, limit):
    """Refuse an attempt over the limit (429), audited and logged, the password unchecked."""
    ratelimit.finish(attempt, "throttled")
    record("login_throttled", address=attempt.address, username=attempt.username, limit=limit)
    db.session.commit()
    current_app.logger.warning("login limit reached (%s) for %r from %s", limit, attempt.username,
                               attempt.address)
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
    typed = form.username.data.strip()
    attempt, limit = ratelimit.begin(scrub(typed)[:50], sessions.client_address())
    if limit:
        return throttled(form, attempt, limit)
    user = authenticate(typed, form.password.data)
    if user is None:
        ratelimit.finish(attempt, "failed")
        record("login_failed", address=attempt.address, username=attempt.username)
        db.session.commit()
        current_app.logger.info("failed login for %r from %s", attempt.username, attempt.address)
        flash(_("用户名或密码错误"), "error")
        return render_template("auth/login.html", form=form)
    ratelimit.finish(attempt, "ok")
    sessions.start(user)
    record("login", user=user, address=attempt.address)
    db.session.commit()
    return redirect(_safe_next(request.args.get("next")))


@bp.post("/logout")
def logout():
    """Log out: this session ends on the server, so a captured copy of its cookie is refused."""
    sessions.revoke(g.login_session, "logout")
    record("logout", user=g.user, address=sessions.client_address())
    db.session.commit()
    session.clear()
    return redirect(url_for("auth.login"))


def init_app(app):
    app.before_request(require_login)
