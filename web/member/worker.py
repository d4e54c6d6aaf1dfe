"""The worker's side: 成员自报 (confirm or reject what members sent) and the card's link."""

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from forms.member import LinkForm, RejectForm
from web.member.qr import svg
from web.worker.form_flow import case_or_404
from workflow.cases.registration import card_facts
from workflow.errors import CaseNotFound, Conflict, GuardFailed, ProcessError
from workflow.member import decisions, links, page
from workflow.member.channels import member_channels
from workflow.models.member import REPORT_KINDS, REPORT_STATUSES

bp = Blueprint("self_reports", __name__)


def _back():
    return redirect(url_for("self_reports.index"))


@bp.get("/self-reports")
def index():
    """成员自报: change, transfer and resettlement requests waiting, the oldest first."""
    rows = decisions.pending(g.user)
    return render_template("member/reports.html", rows=rows, kinds=REPORT_KINDS, statuses=REPORT_STATUSES,
                           problems={r.id: decisions.change_problems(r) for r in rows if r.kind == "change"},
                           summary=page.summary)


def _decided(action):
    """Run one decision; a refusal or a lost race is a message on the list, not an error page."""
    try:
        return action()
    except CaseNotFound:
        abort(404)
    except Conflict:
        flash(_("案件已被他人修改，请刷新后重试"), "error")
    except GuardFailed as exc:
        flash("；".join(exc.problems), "error")
    except ProcessError as exc:
        flash(exc.message, "error")
    return None


@bp.post("/self-reports/<int:report_id>/confirm")
def confirm(report_id):
    """One tap: a valid change becomes the current 五必登 entry, the old one kept as history."""
    if _decided(lambda: decisions.confirm(report_id, g.user)) is not None:
        flash(_("已确认，登记信息已更新"), "success")
    return _back()


@bp.post("/self-reports/<int:report_id>/handover")
def handover(report_id):
    """Take up a transfer or resettlement request: the handover screen of the case comes next."""
    case = _decided(lambda: decisions.confirm(report_id, g.user))
    if case is None:
        return _back()
    return redirect(url_for("case_actions.handover", case_id=case.id))


@bp.post("/self-reports/<int:report_id>/reject")
def reject(report_id):
    """Decline with a reason; the member reads it on their page."""
    form = RejectForm()
    reason = form.reason.data if form.validate() else ""
    if _decided(lambda: decisions.reject(report_id, g.user, reason)) is not None:
        flash(_("已退回，成员下次打开链接时可看到原因"), "success")
    return _back()


@bp.post("/cases/<int:case_id>/member-link")
def issue(case_id):
    """Make a new personal link (the old one stops working) and show the card to print."""
    case = case_or_404(case_id)
    form = LinkForm()
    if not form.validate():
        flash("；".join(str(e) for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for("case_forms.card", case_id=case.id))
    try:
        token = links.issue(case, g.user, email=form.email.data, to_group=form.to_group.data)
    except ProcessError as exc:
        flash(exc.message, "error")
        return redirect(url_for("case_forms.card", case_id=case.id))
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    url = base + links.path_of(token) if base else url_for("member.open_link", token=token, _external=True)
    return render_template("case_forms/card_print.html", case=case, card=card_facts(case),
                           member_qr=svg(url), member_url=url, channels=member_channels(case))


@bp.post("/cases/<int:case_id>/member-link/revoke")
def revoke(case_id):
    """End the case's link at once (a lost card)."""
    case = case_or_404(case_id)
    try:
        links.revoke(case, g.user)
        flash(_("成员链接已作废，原二维码不能再使用"), "success")
    except ProcessError as exc:
        flash(exc.message, "error")
    return redirect(url_for("case_forms.card", case_id=case.id))
