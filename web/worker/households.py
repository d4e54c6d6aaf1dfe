"""家庭户: the household page, making one from a case, adding or moving members, its shared
addresses, and the steps done for the family at once (入户走访, 搬迁, 移交)."""

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from forms.fields import day_to_utc, parse_id
from forms.household import (
    AddMemberForm,
    AddressesForm,
    HouseholdHandoverForm,
    HouseholdMoveOutForm,
    HouseholdVisitForm,
    JoinHouseholdForm,
    MoveMemberForm,
    NewHouseholdForm,
)
from web.worker import cases
from web.worker.form_flow import case_or_404, found_or_404
from workflow.cases.handover import handover_targets
from workflow.errors import CaseNotFound, Conflict, ProcessError
from workflow.households import addresses, members, moves, visits
from workflow.households.errors import AlreadyInHousehold, MembersRefused
from workflow.process.engine import get_engine
from workflow.reports.household import household_page

bp = Blueprint("households", __name__)


def _page(household_id):
    return found_or_404(household_page, household_id, g.user)


def _show(page, status=200, **context):
    context.setdefault("add_form", AddMemberForm())
    context.setdefault("elsewhere", None)
    context.setdefault("move_form", None)
    return render_template("households/show.html", page=page, household=page.household, **context), status


@bp.get("/households/<int:household_id>")
def show(household_id):
    """The household: its 户号, addresses and members (each with their own case and state)."""
    return _show(_page(household_id))


@bp.post("/cases/<int:case_id>/household")
def create(case_id):
    """Make a household with this case's person as 户主."""
    return _by_number(case_id, members.create_household, "new_household_form", NewHouseholdForm,
                      lambda case: _("已建立家庭户，%(name)s为户主", name=case.person.name))


@bp.post("/cases/<int:case_id>/household/join")
def join(case_id):
    """Add this case to the household of a 户号 of its project."""
    return _by_number(case_id, members.join_by_number, "join_household_form", JoinHouseholdForm,
                      lambda case: _("已将%(name)s加入本户", name=case.person.name))


def _by_number(case_id, act, slot, form_class, success):
    """Run act(user, case, 户号) for the case page's household forms; a refusal shows the case
    page again with the 户号 as typed and the reason on the field (nothing was written)."""
    case = case_or_404(case_id)
    form = form_class()
    if form.validate_on_submit():
        try:
            household = act(g.user, case, form.number.data)
        except AlreadyInHousehold as exc:
            flash(exc.message, "error")
            return redirect(url_for("households.show", household_id=exc.household.id))
        except ProcessError as exc:
            form.number.errors.append(exc.message)
        else:
            flash(success(case), "success")
            return redirect(url_for("households.show", household_id=household.id))
    return cases.render_case(case_id, 422, **{slot: form})


@bp.post("/households/<int:household_id>/members")
def add(household_id):
    """Add a person already listed in the project, by their ID number."""
    page = _page(household_id)
    form = AddMemberForm()
    if not form.validate_on_submit():
        return _show(page, 422, add_form=form)
    try:
        case = members.add_member_by_id_number(g.user, page.household, form.id_number.data)
    except CaseNotFound:
        form.id_number.errors.append(_("该人员由其他单位负责，不能加入本户"))
        return _show(page, 422, add_form=form)
    except AlreadyInHousehold as exc:
        form.id_number.errors.append(exc.message)
        move_form = None if exc.same else MoveMemberForm(formdata=None)
        if move_form is not None:
            move_form.case_id.data = str(members.case_by_id_number(g.user, page.household, form.id_number.data).id)
        return _show(page, 422, add_form=form, elsewhere=exc.household, move_form=move_form)
    except ProcessError as exc:
        form.id_number.errors.append(exc.message)
        return _show(page, 422, add_form=form)
    flash(_("已将%(name)s加入本户", name=case.person.name), "success")
    return redirect(url_for("households.show", household_id=household_id))


@bp.post("/households/<int:household_id>/move-in")
def move_in(household_id):
    """移入本户: move a member of another household here, with the reason (audited)."""
    page = _page(household_id)
    form = MoveMemberForm()
    case = case_or_404(parse_id(form.case_id.data or "") or 0)
    if not form.validate_on_submit():
        current = members.membership(case.id)
        return _show(page, 422, move_form=form, elsewhere=current.household if current else None)
    try:
        members.move_member(g.user, page.household, case, form.reason.data)
    except ProcessError as exc:
        form.reason.errors.append(exc.message)
        return _show(page, 422, move_form=form, elsewhere=None)
    flash(_("已将%(name)s移入本户", name=case.person.name), "success")
    return redirect(url_for("households.show", household_id=household_id))


@bp.route("/households/<int:household_id>/addresses", methods=["GET", "POST"])
def edit_addresses(household_id):
    """The household's 原住址 and 去向住址, entered on every member who follows them."""
    page = _page(household_id)
    household = page.household
    form = AddressesForm()
    if not form.is_submitted():
        form.version.data = str(household.version)
        form.original_address.data = household.original_address
        form.destination_address.data = household.destination_address
        form.destination_kind.data = household.destination_kind
    context = {"page": page, "household": household, "form": form, "refusals": [], "conflict": False}
    if not form.is_submitted():
        return render_template("households/addresses.html", **context)
    if not form.validate():
        return render_template("households/addresses.html", **context), 422
    try:
        addresses.set_addresses(g.user, household, expected_version=form.expected_version(), **form.values())
    except Conflict:
        return render_template("households/addresses.html", **{**context, "conflict": True}), 409
    except MembersRefused as exc:
        return render_template("households/addresses.html", **{**context, "refusals": exc.refusals}), 422
    except ProcessError as exc:
        return render_template("households/addresses.html", **{**context, "refusal": exc.message}), 422
    flash(_("已更新本户住址，跟随本户的成员均已登记"), "success")
    return redirect(url_for("households.show", household_id=household_id))


def _ticked():
    """{case_id: version} of the members ticked on a household screen."""
    out = {}
    for value in request.form.getlist("member"):
        case_id = parse_id(value)
        if case_id is not None:
            version = parse_id(request.form.get(f"version-{case_id}", ""))
            out[case_id] = version if version is not None else -1
    return out


def _step(page, template, form, trigger, act, success):
    """Render a step for the household; on a valid POST run act(ticked) (one transaction)."""
    blocked = moves.blocked(page.household, trigger, g.user)
    context = {"page": page, "household": page.household, "form": form, "blocked": blocked,
               "refusals": [], "refusal": None, "trigger": trigger,
               "ticked": set(_ticked()) if form.is_submitted() else None}
    if not form.is_submitted():
        return render_template(template, **context)
    if not form.validate():
        return render_template(template, **context), 422
    try:
        act(_ticked())
    except MembersRefused as exc:
        return render_template(template, **{**context, "refusals": exc.refusals}), 422
    except Conflict as exc:
        return render_template(template, **{**context, "refusal": exc.message}), 409
    except CaseNotFound:
        abort(404)
    except ProcessError as exc:
        return render_template(template, **{**context, "refusal": exc.message}), 422
    flash(success, "success")
    return redirect(url_for("households.show", household_id=page.household.id))


@bp.route("/households/<int:household_id>/visit", methods=["GET", "POST"])
def visit(household_id):
    """入户走访 for the family: one visit on each ticked member's case, all or nothing."""
    page = _page(household_id)
    form = HouseholdVisitForm()

    def act(ticked):
        when = day_to_utc(form.visited_on.data)
        visits.record_household_visit(
            g.user, page.household, ticked, contacted_at=when, outcome=form.outcome.data, now=when,
            met_with=(form.met_with.data or "").strip() or None, notes=(form.notes.data or "").strip() or None)

    return _step(page, "households/visit.html", form, "visit", act, _("已为本户记录入户走访"))


@bp.route("/households/<int:household_id>/do/<trigger>", methods=["GET", "POST"])
def move(household_id, trigger):
    """搬迁 or 移交 for the family: every ticked member's case moves, or none does."""
    if trigger not in moves.TOGETHER:
        abort(404)
    page = _page(household_id)
    if trigger == "move_out":
        form = HouseholdMoveOutForm()
        form.case = None  # each case checks its own dates; the screen only refuses the future
    else:
        head = page.members[0].case
        form = HouseholdHandoverForm(units=handover_targets(head))

    def act(ticked):
        if trigger == "move_out":
            moves.move_household(g.user, page.household, trigger, ticked, reason=form.reason.data,
                                 now=day_to_utc(form.moved_on.data))
        else:
            moves.move_household(g.user, page.household, trigger, ticked, reason=form.reason.data,
                                 kind=form.kind.data, to_unit_id=form.to_unit_id.data, external=form.external.data)

    return _step(page, "households/move.html", form, trigger, act,
                 _("已为本户办理%(action)s", action=get_engine().trigger_label(trigger)))
