"""The logged-in user's own account: change the password, see and end their sessions."""

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, session, url_for
from flask_babel import gettext as _

from forms.auth import ChangePasswordForm
from web import ratelimit, sessions
from workflow.db import db
from workflow.models.audit import record
from workflow.models.security import UserSession

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.get("/")
def index():
    """The user's live sessions (this one marked) and the way to change the password."""
    return render_template("account/index.html", rows=sessions.live_sessions(g.user),
                           current=g.login_session)


def _check_old_password(form):
    """Return None when the old password is right; else the response to send (counted as a failure)."""
    attempt, limit = ratelimit.begin(g.user.username, sessions.client_address())
    if limit:
        ratelimit.finish(attempt, "throttled")
        record("login_throttled", user=g.user, address=attempt.address, username=attempt.username,
               limit=limit, where="password_change")
        db.session.commit()
        current_app.logger.warning("login limit reached (%s) for %r on password change", limit, g.user.username)
        minutes = current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"]
        form.old_password.errors.append(_("登录失败次数过多，请%(minutes)s分钟后再试", minutes=minutes))
        return render_template("account/password.html", form=form), 429
    if not g.user.check_password(form.old_password.data):
        ratelimit.finish(attempt, "failed")
        record("password_change_failed", user=g.user, address=attempt.address)
        db.session.commit()
        form.old_password.errors.append(_("原密码不正确"))
        return render_template("account/password.html", form=form)
    ratelimit.finish(attempt, "ok")
    return None


@bp.route("/password", methods=["GET", "POST"])
def password():
    """Change the password; every other session of the user ends, this one stays."""
    form = ChangePasswordForm(username=g.user.username)
    if not form.validate_on_submit():
        return render_template("account/password.html", form=form)
    refused = _check_old_password(form)
    if refused is not None:
        return refused
    g.user.set_password(form.new_password.data)
    ended = sessions.end_all(g.user, "password", keep=g.login_session)
    record("password_changed", user=g.user, address=sessions.client_address(), ended_sessions=ended)
    db.session.commit()
    flash(_("密码已修改，其他设备上的登录已结束"), "success")
    return redirect(url_for("account.index"))


@bp.post("/sessions/<int:session_id>/end")
def end_session(session_id):
    """End one of the user's own sessions (another user's answers 404)."""
    row = db.session.get(UserSession, session_id)
    if row is None or row.user_id != g.user.id:
        abort(404)
    sessions.revoke(row, "user")
    record("session_ended", user=g.user, address=sessions.client_address(), session_id=row.id)
    db.session.commit()
    if row.id == g.login_session.id:
        session.clear()
        return redirect(url_for("auth.login"))
    flash(_("已结束该设备上的登录"), "success")
    return redirect(url_for("account.index"))


@bp.post("/sessions/end-others")
def end_others():
    """End every session of the user but this one."""
    ended = sessions.end_all(g.user, "user", keep=g.login_session)
    record("session_ended", user=g.user, address=sessions.client_address(), others=ended)
    db.session.commit()
    flash(_("已结束其他%(n)s处登录", n=ended), "success")
    return redirect(url_for("account.index"))
