"""The logged-in user's own account: change the password, see and end their sessions."""

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, session, url_for
from flask_babel import gettext as _

from forms.auth import ChangePasswordForm
from web.sessions import client_address
from workflow.accounts import passwords, sessions

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.get("/")
def index():
    """The user's live sessions (this one marked) and the way to change the password."""
    return render_template("account/index.html", rows=sessions.live(g.user), current=g.login_session)


@bp.route("/password", methods=["GET", "POST"])
def password():
    """Change the password; every other session of the user ends, this one stays."""
    form = ChangePasswordForm(username=g.user.username)
    if not form.validate_on_submit():
        return render_template("account/password.html", form=form)
    outcome = passwords.change(g.user, form.old_password.data, form.new_password.data, g.login_session,
                               client_address())
    if outcome == "throttled":
        minutes = current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"]
        form.old_password.errors.append(_("登录失败次数过多，请%(minutes)s分钟后再试", minutes=minutes))
        return render_template("account/password.html", form=form), 429
    if outcome == "wrong":
        form.old_password.errors.append(_("原密码不正确"))
        return render_template("account/password.html", form=form)
    flash(_("密码已修改，其他设备上的登录已结束"), "success")
    return redirect(url_for("account.index"))


@bp.post("/sessions/<int:session_id>/end")
def end_session(session_id):
    """End one of the user's own sessions (another user's answers 404)."""
    row = sessions.end_own(g.user, session_id, client_address())
    if row is None:
        abort(404)
    if row.id == g.login_session.id:
        session.clear()
        return redirect(url_for("auth.login"))
    flash(_("已结束该设备上的登录"), "success")
    return redirect(url_for("account.index"))


@bp.post("/sessions/end-others")
def end_others():
    """End every session of the user but this one."""
    ended = sessions.end_others(g.user, g.login_session, client_address())
    flash(_("已结束其他%(n)s处登录", n=ended), "success")
    return redirect(url_for("account.index"))
