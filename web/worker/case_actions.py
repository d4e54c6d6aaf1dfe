"""Screens that fire a trigger: submit, follow-up, handover, and the simple ones
(approve, send back, move out, accept, reject, record a receipt, close)."""

from flask import Blueprint, abort, g, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from forms.fields import day_to_utc, with_version
from forms.follow_up import FollowUpForm
from forms.handover import AcceptForm, ProposeHandoverForm, RejectForm
from forms.submit import SubmitForm
from forms.transition import form_for
from web.worker.case_page import SCREENS
from web.worker.form_flow import case_or_404, refuse, run
from workflow.cases import registration, services
from workflow.cases.handover import handover_targets, propose_handover
from workflow.models.contact import OUTCOMES
from workflow.process.engine import get_engine

bp = Blueprint("case_actions", __name__, url_prefix="/cases/<int:case_id>")

# What each simple trigger does, said on its screen before the button is pressed; a
# trigger added to process.toml gets the same screen, with a reason field.
HELP = {
    "approve": _l("确认五必登和三个一信息无误，审核通过。"),
    "send_back": _l("退回给社区工作者修改，请写明需要修改的内容。"),
    "move_out": _l("登记此人已搬离原住址；之后按跟踪节奏定期联系。"),
    "accept": _l("接收后，案件、全部记录和未到的期限都转到本单位。"),
    "reject": _l("拒绝后案件退回移交方，由对方继续负责，请写明原因。"),
    "record_receipt": _l("接收地不在本系统内：凭对方出具的回执编号办结移交。"),
    "close": _l("结案后不再跟踪此人。"),
}
HANDOVER_FORMS = {"accept": AcceptForm, "reject": RejectForm}


@bp.route("/submit", methods=["GET", "POST"])
def submit(case_id):
    """提交审核: the engine's guards list exactly what is still missing."""
    case = case_or_404(case_id)
    problem = get_engine().refusal(case, "submit", g.user)
    if problem:
        return refuse("case_actions/submit.html", case, problem, missing=[])
    form = with_version(SubmitForm(), case)
    missing = get_engine().problems(case, "submit", g.user)

    def act(form):
        get_engine().fire(case, "submit", g.user, expected_version=form.expected_version())

    return run(case, form, "case_actions/submit.html", act, _("已提交审核，等待督导审核"), missing=missing)


def _follow_up_triggers(case):
    return {t.trigger for t in get_engine().available(case, g.user)} & {"contact", "miss", "reconnect"}


@bp.route("/follow-up", methods=["GET", "POST"])
def follow_up(case_id):
    """跟踪联系 / 未联系上 / 恢复联系: one contact log; the outcome picks the trigger."""
    case = case_or_404(case_id)
    triggers = _follow_up_triggers(case)
    title = _("恢复联系") if "reconnect" in triggers else _("跟踪联系")
    if not triggers:
        return refuse("case_actions/follow_up.html", case, get_engine().refusal(case, "contact", g.user), title=title)
    form = with_version(FollowUpForm(), case)
    if not form.is_submitted() and request.args.get("outcome") in OUTCOMES:
        form.outcome.data = request.args["outcome"]

    def act(form):
        services.record_follow_up(
            case, g.user, kind=form.kind.data, outcome=form.outcome.data,
            contacted_at=day_to_utc(form.contacted_on.data), notes=(form.notes.data or "").strip() or None,
            new_phone=form.new_phone.data or None, new_address=(form.new_address.data or "").strip() or None,
            address_kind=form.new_address_kind.data, expected_version=form.expected_version())
        if form.outcome.data == "reached":
            return _("已记录跟踪联系")
        return _("已记录未联系上（连续第%(n)s次），案件状态：%(state)s",
                 n=case.miss_count, state=get_engine().state_label(case.state))

    return run(case, form, "case_actions/follow_up.html", act, "", title=title)


@bp.route("/handover", methods=["GET", "POST"])
def handover(case_id):
    """移交: propose resettlement elsewhere or a transfer; the sender stays responsible."""
    case = case_or_404(case_id)
    problem = get_engine().refusal(case, "hand_over", g.user)
    if problem:
        return refuse("case_actions/handover.html", case, problem)
    form = with_version(ProposeHandoverForm(units=handover_targets(case)), case)

    def act(form):
        target = propose_handover(case, g.user, kind=form.kind.data, to_unit_id=form.to_unit_id.data,
                                  external=form.external.data, reason=form.reason.data,
                                  expected_version=form.expected_version())
        return _("已提出移交至%(target)s，对方接收前仍由本单位负责", target=target)

    return run(case, form, "case_actions/handover.html", act, "")


@bp.route("/do/<trigger>", methods=["GET", "POST"])
def transition(case_id, trigger):
    """A trigger whose screen is a reason (required or not) and the data it needs."""
    case = case_or_404(case_id)
    engine = get_engine()
    if trigger not in engine.definition.triggers or trigger in SCREENS:
        abort(404)  # triggers with a screen of their own are fired there
    context = {"trigger": trigger, "title": engine.trigger_label(trigger), "help": HELP.get(trigger, ""),
               "destination": registration.current_entries(case.id).get("destination_address")}
    problem = get_engine().refusal(case, trigger, g.user)
    if problem:
        return refuse("case_actions/transition.html", case, problem, **context)
    if trigger in HANDOVER_FORMS:
        form = HANDOVER_FORMS[trigger]()
    else:
        form = form_for(engine.definition.transitions_from(case.state, trigger)[0], case)
    with_version(form, case)

    def act(form):
        data = {}
        if trigger == "record_receipt":
            data["receipt_number"] = form.receipt_number.data
        now = day_to_utc(form.moved_on.data, not_before=case.state_entered_at) if trigger == "move_out" else None
        get_engine().fire(case, trigger, g.user, expected_version=form.expected_version(),
                          reason=form.reason.data, now=now, **data)
        return _("已%(action)s，案件状态：%(state)s", action=engine.trigger_label(trigger),
                 state=engine.state_label(case.state))

    return run(case, form, "case_actions/transition.html", act, "", **context)
