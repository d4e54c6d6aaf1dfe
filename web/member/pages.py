"""The member's own page, opened from the contact card's QR code: no account, phone first.

Any token that does not work (never issued, revoked, expired, its case closed) gets
the same neutral page with the same status. The only session state is the verified
visit: which link, until when (MEMBER_VISIT_MINUTES).
"""

from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _

from forms.member import ChangeForm, CheckinForm, OrgLifeForm, RequestForm, VerifyForm
from web.sessions import client_address
from workflow.db import utcnow
from workflow.errors import ProcessError
from workflow.member import links, page, reports, verify
from workflow.member.reports import LinkGone
from workflow.models.member import REPORT_KINDS, REPORT_STATUSES

bp = Blueprint("member", __name__, url_prefix="/m")
VISIT_KEY = "member_visit"
ACTIONS = {"checkin": CheckinForm, "change": ChangeForm, "org_life": OrgLifeForm, "request": RequestForm}


def neutral():
    """The one answer for every link that does not work: nothing says whether a case exists."""
    return render_template("member/neutral.html"), 404


def _visit_link_id():
    visit = session.get(VISIT_KEY)
    if not isinstance(visit, dict) or visit.get("until", 0) < utcnow().timestamp():
        return None
    return visit.get("link")


def _start_visit(link_id):
    minutes = current_app.config["MEMBER_VISIT_MINUTES"]
    session[VISIT_KEY] = {"link": link_id, "until": (utcnow() + timedelta(minutes=minutes)).timestamp()}


def _forms():
    return {name: form() for name, form in ACTIONS.items()}


def _home(token, case, forms=None, status=200):
    context = page.member_view(case)
    return render_template("member/home.html", token=token, case=case, contacts=page.contacts(case),
                           forms=forms or _forms(), report_kinds=REPORT_KINDS, report_statuses=REPORT_STATUSES,
                           summary=page.summary, **context), status


def _question(token, case, form, status=200, locked=False):
    return render_template("member/verify.html", token=token, contacts=page.contacts(case), form=form,
                           locked=locked or case is None), status


@bp.get("/<token>")
def open_link(token):
    """The card's link: who to reach, then the question, or the member's page during a visit."""
    found = links.find(token)
    if found is None:
        return neutral()
    link, case = found
    if _visit_link_id() == link.id and link.locked_at is None:
        return _home(token, case)
    return _question(token, case, VerifyForm(), locked=link.locked_at is not None)


@bp.post("/<token>")
def answer(token):
    """Check the last four digits of the 身份证号; a right answer starts a short visit."""
    form = VerifyForm()
    found = links.find(token)
    if not form.validate():
        return neutral() if found is None else _question(token, found[1], form, 422)
    outcome = verify.check(token, form.last4.data, client_address())
    if outcome.status == "throttled":
        return render_template("member/throttled.html"), 429
    if outcome.status == "invalid" or found is None:
        return neutral()
    if outcome.status == "ok":
        _start_visit(outcome.link_id)
        return redirect(url_for("member.open_link", token=token))
    if outcome.status == "wrong":
        form.last4.errors.append(_("身份证号后四位不正确，还可以再试%(n)s次", n=outcome.left))
        return _question(token, found[1], form, 422)
    return _question(token, found[1], form, 423, locked=True)


@bp.post("/<token>/<any(checkin, change, org_life, request):action>")
def send(token, action):
    """One step: check in, report a change, 组织生活, or ask for a transfer / say resettled."""
    link_id = _visit_link_id()
    found = reports.visit(token, link_id) if link_id else None
    if found is None:
        if links.find(token) is None:
            return neutral()
        flash(_("为保护您的信息，请重新验证身份"), "error")
        return redirect(url_for("member.open_link", token=token))
    _link, case = found
    forms = _forms()
    form = forms[action] = ACTIONS[action]()
    if not form.validate():
        return _home(token, case, forms, 422)
    kind, values = _what(action, form)
    try:
        reports.submit(token, link_id, kind, values, form.submission.data, client_address())
    except LinkGone:
        return neutral()
    except ProcessError as exc:
        flash(exc.message, "error")
        return _home(token, case, forms, 409)
    flash(_("已收到，谢谢！") if kind in ("checkin", "org_life") else _("已提交，社区工作者确认后生效"), "success")
    return redirect(url_for("member.open_link", token=token))


def _what(action, form):
    """The report kind and the values to store, from the form of one action."""
    if action == "change":
        return "change", form.values()
    if action == "org_life":
        return "org_life", {"date": form.attended_on.data.isoformat(), "place": form.place.data,
                            "where": (form.where.data or "").strip()}
    if action == "request":
        return form.kind.data, {"note": (form.note.data or "").strip()}
    return "checkin", {}
