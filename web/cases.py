"""The worker's case list (due first) and the case page."""

from flask import Blueprint, abort, current_app, g, render_template, request
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from workflow import registration
from workflow.db import db, utcnow
from workflow.engine import get_engine
from workflow.errors import CaseNotFound
from workflow.models import Case, ContactLog, Person, Project, TransitionRecord
from workflow.models.contact import KINDS as CONTACT_KINDS
from workflow.models.contact import OUTCOMES
from workflow.models.registration import ITEMS
from workflow.services import load_case

bp = Blueprint("cases", __name__)

# What the case page shows of the case, loaded with it in one query instead of one each.
CASE_PAGE_LOADS = (joinedload(Case.project), joinedload(Case.org_unit), joinedload(Case.worker))


def subtree_cases(user):
    """Cases of the user's subtree: one indexed prefix match on the stored path."""
    return select(Case).where(Case.org_path.like(user.org_unit.path + "%"))


@bp.get("/")
def index():
    """The user's cases with a deadline, the most overdue first."""
    page = max(request.args.get("page", 1, type=int), 1)
    per_page = current_app.config["CASES_PER_PAGE"]
    # The page's ids come from the (org_path, next_due_at) index alone; only those rows
    # are then read and joined, so the cost follows the page, not the subtree.
    page_ids = (
        subtree_cases(g.user)
        .where(Case.next_due_at.is_not(None))
        .with_only_columns(Case.id)
        .order_by(Case.next_due_at, Case.id)
        .limit(per_page + 1)
        .offset((page - 1) * per_page)
    )
    rows = db.session.execute(
        select(Case, Person.name, Person.id_masked, Project.name)
        .join(Person, Person.id == Case.person_id)
        .join(Project, Project.id == Case.project_id)
        .where(Case.id.in_(page_ids.scalar_subquery()))
        .order_by(Case.next_due_at, Case.id)
    ).all()
    has_next = len(rows) > per_page
    total = db.session.scalar(
        select(func.count()).select_from(subtree_cases(g.user).subquery())
    )
    return render_template("cases/index.html", rows=rows[:per_page], page=page,
                           has_next=has_next, total=total, now=utcnow())


@bp.get("/cases/<int:case_id>")
def show(case_id):
    """The case: person, 三个一, 五必登, contact log and history, and allowed actions."""
    try:
        case = load_case(case_id, g.user, options=CASE_PAGE_LOADS)
    except CaseNotFound:
        abort(404)
    engine = get_engine()
    contacts = db.session.scalars(
        select(ContactLog).where(ContactLog.case_id == case.id).order_by(ContactLog.contacted_at.desc())
    ).all()
    history = db.session.scalars(
        select(TransitionRecord).options(joinedload(TransitionRecord.actor))
        .where(TransitionRecord.case_id == case.id).order_by(TransitionRecord.at.desc(), TransitionRecord.id.desc())
    ).all()
    return render_template(
        "cases/show.html", case=case, statuses=registration.statuses(case.id), items=ITEMS,
        contacts=contacts, history=history, actions=engine.available(case, g.user),
        contact_kinds=CONTACT_KINDS, outcomes=OUTCOMES, now=utcnow(),
    )
