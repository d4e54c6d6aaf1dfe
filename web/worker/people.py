"""新增人员: put a person on a project's list, refusing duplicates and warning on look-alikes."""

from functools import partial

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from forms.fields import parse_id
from forms.person import PersonForm
from web.worker.form_flow import found_or_404
from workflow.cases import services
from workflow.cases.choices import person_choices
from workflow.errors import CaseNotFound
from workflow.households.members import list_into_household, load_household

bp = Blueprint("people", __name__)


@bp.route("/people/new", methods=["GET", "POST"])
def new():
    """Add a person: a new case in 待走访; nothing is saved while anything is wrong."""
    projects, units = person_choices(g.user)
    household = _household()
    if household is not None:  # 新增人员并加入本户: the household's project, nothing else
        projects = [household.project]
    form = PersonForm(projects=projects, units=units)
    duplicate, elsewhere, similar = None, False, []
    if form.validate_on_submit():
        add = services.add_person if household is None else partial(list_into_household, household=household)
        try:
            case = add(
                g.user, project_id=form.project_id.data, org_unit_id=form.org_unit_id.data,
                name=form.name.data, id_number=form.id_number.data, is_party_member=form.kind.data == "member",
                check_similar=not form.confirm_similar.data)
        except services.DuplicateCase as exc:
            form.id_number.errors.append(exc.message)
            duplicate = exc.visible_case
            elsewhere = duplicate is None
        except services.SimilarPeople as exc:
            similar = exc.cases
        except CaseNotFound:
            abort(404)
        else:
            flash(_("已添加%(name)s，下一步：入户走访", name=case.person.name), "success")
            if household is not None:
                return redirect(url_for("households.show", household_id=household.id))
            return redirect(url_for("cases.show", case_id=case.id))
    status = 422 if form.is_submitted() else 200
    return render_template("people/new.html", form=form, duplicate=duplicate, household=household,
                           elsewhere=elsewhere, similar=similar), status


def _household():
    """The household a new person joins (?household=<id>), 404 outside the subtree; or None."""
    household_id = parse_id(request.args.get("household", ""))
    return None if household_id is None else found_or_404(load_household, household_id, g.user)
