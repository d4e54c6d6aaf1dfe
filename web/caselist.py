"""The supervisor's case list: exactly the cases behind a dashboard number, to act on."""

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from forms.ledger import ExportForm
from forms.reassign import reassign_form
from web.supervisor import blueprint, current_filter, selected_ids
from workflow.cases.reassign import reassign_many
from workflow.cases.services import units_in
from workflow.db import db, utcnow
from workflow.models import Case, OrgUnit, Person, User
from workflow.process.engine import get_engine
from workflow.reports.filters import BUCKET_LABELS, select_cases

bp = blueprint("caselist", __name__)


@bp.get("/cases")
def index():
    """List the filtered cases, the most overdue first, with reassign and export forms."""
    return _render(current_filter(), reassign_form(g.user, formdata=None), [])


def _render(case_filter, form, checked, status=200, export=None):
    now = utcnow()
    page = max(request.args.get("page", 1, type=int), 1)
    per_page = current_app.config["CASES_PER_PAGE"]
    base = select_cases(case_filter, now).subquery()
    total = db.session.scalar(select(func.count()).select_from(base))
    rows = db.session.execute(
        select(Case, Person.name, Person.id_masked, OrgUnit.name, User.display_name)
        .join(base, base.c.id == Case.id)
        .join(Person, Person.id == Case.person_id)
        .join(OrgUnit, OrgUnit.id == Case.org_unit_id)
        .outerjoin(User, User.id == Case.worker_id)
        .order_by(Case.next_due_at.is_(None), Case.next_due_at, Case.id)
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    return render_template(
        "supervisor/cases.html", rows=rows, total=total, page=page, has_next=page * per_page < total,
        case_filter=case_filter, now=now, reassign=form, checked=checked,
        export=export or ExportForm(formdata=None), args=case_filter.args(), units=units_in(g.user.org_unit),
        states=list(get_engine().definition.states), buckets=BUCKET_LABELS,
    ), status


@bp.post("/cases/reassign")
def reassign():
    """Reassign the ticked cases to one worker; say per case what happened."""
    case_filter = current_filter(request.form)
    form, ids = reassign_form(g.user), selected_ids()
    valid = form.validate_on_submit()
    if not ids:
        form.form_errors.append(_("请先勾选要改派的案件"))
    if not valid or not ids:
        return _render(case_filter, form, ids, 400)
    worker = db.session.get(User, form.to_worker.data)
    outcomes = reassign_many(ids, worker, g.user, note=form.note.data)
    done = [o for o in outcomes if o.ok]
    if done:
        flash(_("已将%(n)s件改派给%(name)s", n=len(done), name=worker.display_name), "success")
    for o in outcomes:
        if not o.ok:
            flash(f"{o.name}：{o.message}", "error")
    return redirect(url_for("caselist.index", **case_filter.args()))
