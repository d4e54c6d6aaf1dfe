"""The 三个一 and 五必登 screens: home visit, registration, contact card, liaison group."""

from flask import Blueprint, g, render_template
from flask_babel import gettext as _

from forms.card import CardForm
from forms.fields import day_to_utc, with_version
from forms.group import GroupForm
from forms.registration import RegistrationForm
from forms.visit import VisitForm
from web.worker.form_flow import case_or_404, refuse, run
from workflow.cases import registration, services
from workflow.cases.choices import all_units
from workflow.privacy.identity import mask_phone
from workflow.process.engine import EDIT, get_engine

bp = Blueprint("case_forms", __name__, url_prefix="/cases/<int:case_id>")


def edit_refusal(case):
    """Why the 五必登 and 三个一 of the case cannot be changed by this user now, or None."""
    return get_engine().refusal(case, EDIT, g.user)


@bp.route("/visit", methods=["GET", "POST"])
def visit(case_id):
    """入户走访: a visit that met someone moves the case to 待登记."""
    case = case_or_404(case_id)
    problem = get_engine().refusal(case, "visit", g.user)
    if problem:
        return refuse("case_forms/visit.html", case, problem)
    form = with_version(VisitForm(), case)

    def act(form):
        # The registration deadline runs from the day of the visit, even when logged later.
        when = day_to_utc(form.visited_on.data, not_before=case.state_entered_at)
        services.record_visit(
            case, g.user, contacted_at=when, outcome=form.outcome.data, now=when,
            met_with=(form.met_with.data or "").strip() or None, notes=(form.notes.data or "").strip() or None,
            expected_version=form.expected_version())
        if form.outcome.data != "reached":
            return _("已记录走访（未见到人），案件仍为待走访")

    return run(case, form, "case_forms/visit.html", act, _("已记录入户走访"))


@bp.route("/registration", methods=["GET", "POST"], endpoint="registration")
def registration_screen(case_id):
    """五必登: save any of the five; what is still missing is listed on the case page."""
    case = case_or_404(case_id)
    entries = registration.current_entries(case.id)
    contact = entries.get("contact")
    masked = {"phone": mask_phone(contact.phone) if contact else "",
              "backup_phone": mask_phone(contact.backup_phone) if contact else ""}
    problem = edit_refusal(case)
    if problem:
        return refuse("case_forms/registration.html", case, problem, masked=masked)
    form = with_version(RegistrationForm(units=all_units()), case)
    if not form.is_submitted():
        form.fill(entries)

    def act(form):
        missing = services.save_registration(case, g.user, form.items(entries),
                                             expected_version=form.expected_version())
        if missing:
            return _("五必登已保存，还有%(n)s项未完成", n=len(missing))
        return _("五必登已全部登记")

    return run(case, form, "case_forms/registration.html", act, "", masked=masked)


@bp.route("/card", methods=["GET", "POST"])
def card(case_id):
    """联系卡: preview, open the printable card, and record that it was handed over."""
    case = case_or_404(case_id)
    facts = registration.card_facts(case)
    problem = edit_refusal(case)
    if problem:
        return refuse("case_forms/card.html", case, problem, card=facts)
    form = with_version(CardForm(), case)

    def act(form):
        services.issue_card(case, g.user, expected_version=form.expected_version(),
                            now=day_to_utc(form.issued_on.data))

    return run(case, form, "case_forms/card.html", act, _("已登记发放联系卡"), card=facts)


@bp.get("/card/print")
def card_print(case_id):
    """The printable contact card: fits A6 on paper and a phone screen."""
    case = case_or_404(case_id)
    return render_template("case_forms/card_print.html", case=case, card=registration.card_facts(case))


@bp.route("/group", methods=["GET", "POST"])
def group(case_id):
    """联络群: the liaison group joined, with its name and date."""
    case = case_or_404(case_id)
    problem = edit_refusal(case)
    if problem:
        return refuse("case_forms/group.html", case, problem)
    form = with_version(GroupForm(), case)
    if not form.is_submitted() and case.group_name:
        form.group_name.data = case.group_name

    def act(form):
        services.join_group(case, g.user, form.group_name.data, day_to_utc(form.joined_on.data),
                            expected_version=form.expected_version())

    return run(case, form, "case_forms/group.html", act, _("已登记联络群"))
