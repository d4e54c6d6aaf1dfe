"""Log in and out; load the user of each request; every page needs a login by default."""

import functools

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from forms.auth import LoginForm
from workflow.db import db
from workflow.models import User
from workflow.models.audit import record

bp = Blueprint("auth", __name__)

# Endpoints an anonymous visitor may reach; everything else redirects to login.
PUBLIC_ENDPOINTS = {"auth.login", "static", "health.healthz", "i18n.switch_language"}


def load_user():
    """Put the logged-in user on g, or None; a stale session is dropped."""
    g.user = None
    user_id = session.get("user_id")
    if user_id is None:
        return
    user = db.session.get(User, user_id)
    if user is None or not user.active or session.get("session_version") != user.session_version:
        session.clear()
        return
    g.user = user


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
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("cases.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form and log the user in."""
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.username == form.username.data.strip()))
        if user is not None and user.active and user.check_password(form.password.data):
            session.clear()
            session["user_id"] = user.id
            session["session_version"] = user.session_version
            session.permanent = True
            record("login", user=user, address=request.remote_addr)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
        record("login_failed", address=request.remote_addr, username=form.username.data.strip()[:50])
        db.session.commit()
        current_app.logger.info("failed login for %r from %s", form.username.data[:50], request.remote_addr)
        flash(_("用户名或密码错误"), "error")
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    """Log out: the session is cleared and its cookie can no longer be used."""
    if g.user is not None:
        g.user.session_version += 1  # a captured copy of the cookie stops working
        record("logout", user=g.user, address=request.remote_addr)
        db.session.commit()
    session.clear()
    return redirect(url_for("auth.login"))


def init_app(app):
    app.before_request(require_login)
