"""Today's work: a subtree's cases by deadline, keyset-paged on the indexed columns.

due_list() is the one read behind the worker's start page.

Paging never counts rows to skip: the next page starts after the last row seen,
(next_due_at, id), so page 200 costs what page 1 costs.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import and_, bindparam, case, func, literal, or_, select

from workflow.db import db
from workflow.models import Case, Household, HouseholdMember, OrgUnit, Person, Project
from workflow.process.engine import get_engine
from workflow.reports import mobility
from workflow.subtree import pattern, under

# due/soon: what the user can act on; waiting: what waits on someone else (a review, the
# receiving unit's answer), never counted as the user's overdue work; incoming: handovers
# addressed to the user's unit.
VIEWS = ("due", "soon", "waiting", "all", "incoming")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
# What a row of the list shows: Row objects with these names, e.g. row.next_due_at. On the
# tables, not the mapped classes, and built once: a Core statement of plain columns skips the
# ORM's compile and result steps (about 0.3 ms a statement on PostgreSQL).
_cases, _people, _projects, _units = Case.__table__, Person.__table__, Project.__table__, OrgUnit.__table__
_members, _households = HouseholdMember.__table__, Household.__table__
ROW_COLUMNS = (_cases.c.id, _cases.c.state, _cases.c.next_due_at, _people.c.name.label("name"), _people.c.id_masked,
               _projects.c.name.label("project"), _units.c.name.label("unit"),
               _members.c.household_id, _households.c.number.label("household_number"))
ROWS = (
    select(*ROW_COLUMNS)
    .select_from(_cases.join(_people, _people.c.id == _cases.c.person_id)
                 .join(_projects, _projects.c.id == _cases.c.project_id)
                 .join(_units, _units.c.id == _cases.c.org_unit_id)
                 .outerjoin(_members, _members.c.case_id == _cases.c.id)
                 .outerjoin(_households, _households.c.id == _members.c.household_id))
    .where(_cases.c.id.in_(bindparam("ids", expanding=True)))
)
# The filter form's choices in one statement: the subtree's units by path (kind 0), then the
# projects by id (kind 1).
CHOICES = (
    select(literal(0).label("kind"), _units.c.id, _units.c.name, _units.c.path.label("sort"))
    .where(_units.c.path.like(bindparam("path")))
    .union_all(select(literal(1), _projects.c.id, _projects.c.name, literal("")))
    .order_by("kind", "sort", "id")
)

@dataclass
class Filters:
    """What the list shows; args() gives them back as URL parameters."""

    view: str = "due"
    state: str | None = None
    unit: OrgUnit | None = None
    project_id: int | None = None
    extra: dict = field(default_factory=dict)
    household_id: int | None = None  # the members of one household (issue 15)

    def args(self, **more):
        out = {"view": self.view, "state": self.state, "project": self.project_id,
               "unit": self.unit.id if self.unit else None, "household": self.household_id, **more}
        return {k: v for k, v in out.items() if v not in (None, "")}


def parse_filters(args, user):
    """Read the filters from the query string; anything unknown or out of scope is dropped."""
    view = args.get("view") if args.get("view") in VIEWS else "due"
    state = args.get("state") if args.get("state") in get_engine().definition.states else None
    unit = _get(OrgUnit, args.get("unit", type=int))
    if unit is not None and not unit.path.startswith(user.org_unit.path):
        unit = None
    project = _get(Project, args.get("project", type=int))
    household = _get(Household, args.get("household", type=int))
    if household is not None and not household.org_path.startswith(user.org_unit.path):
        household = None
    return Filters(view, state, unit, project.id if project else None,
                   household_id=household.id if household else None)


def _get(model, ident):
    """The row with this id; no statement when the filter is not set."""
    return db.session.get(model, ident) if ident else None


def soon_limit(now):
    return now + timedelta(days=current_app.config.get("DUE_SOON_DAYS", 7))


def conditions(user, filters, now):
    """The WHERE clause of the list, built on indexed columns only."""
    path = filters.unit.path if filters.unit else user.org_unit.path
    if filters.view == "incoming":
        where = [Case.handover_to_path.is_not(None), under(Case.handover_to_path, path)]
    else:
        where = [under(Case.org_path, path)]
    if filters.state:
        where.append(Case.state == filters.state)
    if filters.project_id:
        where.append(Case.project_id == filters.project_id)
    waiting = get_engine().waiting_states(user.role)
    if filters.household_id:
        where.append(Case.id.in_(select(HouseholdMember.case_id)
                                 .where(HouseholdMember.household_id == filters.household_id)))
    if filters.view in ("due", "soon"):
        where.append(Case.next_due_at.is_not(None))
        if waiting:
            where.append(Case.state.not_in(waiting))
    if filters.view == "waiting":
        where.append(Case.state.in_(waiting))
    if filters.view == "soon":
        where.append(Case.next_due_at <= soon_limit(now))
    return where


@dataclass(frozen=True)
class Cursor:
    """Where a page ends: the deadline (None in the undated tail) and the id."""

    due: datetime | None
    id: int

    def token(self):
        stamp = "n" if self.due is None else str((self.due - EPOCH) // MICROSECOND)
        return f"{stamp}.{self.id}"

    @classmethod
    def parse(cls, token):
        """Read a token; a damaged one means the first page."""
        try:
            stamp, ident = (token or "").split(".")
            due = None if stamp == "n" else EPOCH + int(stamp) * MICROSECOND
            return cls(due, int(ident))
        except (ValueError, OverflowError, OSError):
            return None


def _ids(where, order, limit):
    """The ids of one page: an index-only scan, sorted before any row is read."""
    return db.session.scalars(select(Case.id).where(*where).order_by(*order).limit(limit)).all()


def _rows(ids):
    """The rows of a page, only the columns the list shows, in the order of ids."""
    if not ids:
        return []
    # Plain rows, not Case objects: a whole case is 27 columns and 10 UTC conversions.
    rows = db.session.execute(ROWS, {"ids": list(ids)}).all()
    position = {case_id: i for i, case_id in enumerate(ids)}
    return sorted(rows, key=lambda row: position[row.id])


def page(user, filters, cursor, per_page, now):
    """Return (rows, next cursor or None): dated cases by deadline, then undated by id."""
    where = conditions(user, filters, now)
    ids = []
    if cursor is None or cursor.due is not None:
        dated = [*where, Case.next_due_at.is_not(None)]
        if cursor is not None:
            dated.append(or_(Case.next_due_at > cursor.due,
                             and_(Case.next_due_at == cursor.due, Case.id > cursor.id)))
        ids = _ids(dated, (Case.next_due_at, Case.id), per_page + 1)
    if filters.view in ("all", "incoming") and len(ids) <= per_page:
        undated = [*where, Case.next_due_at.is_(None)]
        if cursor is not None and cursor.due is None:
            undated.append(Case.id > cursor.id)
        ids += _ids(undated, (Case.id,), per_page + 1 - len(ids))
    rows = _rows(ids[:per_page])
    if len(ids) <= per_page:
        return rows, None
    last = rows[-1]
    return rows, Cursor(last.next_due_at, last.id)


def counts(user, filters, now):
    """Return (total, overdue, due soon, handovers waiting for the unit, cases waiting on others)
    in one statement; overdue and soon count only what the user can act on."""
    where = conditions(user, filters, now)
    waiting = get_engine().waiting_states(user.role)
    mine = Case.state.not_in(waiting) if waiting else Case.id.is_not(None)
    listed = select(
        func.count(),
        func.coalesce(func.sum(case((and_(mine, Case.next_due_at <= now), 1), else_=0)), 0),
        func.coalesce(func.sum(case((and_(mine, Case.next_due_at > now, Case.next_due_at <= soon_limit(now)), 1),
                                    else_=0)), 0),
    ).where(*where).subquery()
    query = select(listed, incoming_query(user).scalar_subquery(), waiting_query(user, filters).scalar_subquery())
    total, overdue, soon, incoming, others = db.session.execute(query).one()
    return int(total), int(overdue), int(soon), int(incoming), int(others)


def waiting_query(user, filters):
    """Count the cases of the list's scope that wait on someone else."""
    return select(func.count()).where(*conditions(user, Filters("waiting", filters.state, filters.unit,
                                                                    filters.project_id), None))


def incoming_query(user):
    """Count the handovers that wait for the user's unit to answer."""
    return select(func.count()).where(Case.handover_to_path.is_not(None),
                                      under(Case.handover_to_path, user.org_unit.path))


def lateness(due, now, soon=None):
    """Return (css class, minutes late or early) of a deadline; negative means still to come."""
    if due is None:
        return "undated", None
    minutes = int((now - due).total_seconds() / 60)  # toward zero: 19 days 23 hours is 19 days
    if minutes >= 0:
        return "overdue", minutes
    return ("soon" if due <= (soon or soon_limit(now)) else "later"), minutes


@dataclass
class DueList:
    """One page of the due list with its counts and the filter form's choices."""

    rows: list  # plain rows of ROW_COLUMNS
    filters: Filters
    first_page: bool
    next_cursor: str | None  # the token of the next page
    total: int
    overdue: int
    soon: int
    incoming: int
    waiting: int  # cases waiting on someone else (a review, another unit's answer)
    units: list
    projects: list
    mobility: list = ()  # (MobileRow, tasks.Item) of the registered mobile members, first page only


def due_list(user, args, per_page, now):
    """Read the page the query string asks for (filters, ?after=cursor), its counts and choices."""
    filters = parse_filters(args, user)
    cursor = Cursor.parse(args.get("after"))
    rows, next_cursor = page(user, filters, cursor, per_page, now)
    total, overdue, soon, incoming, waiting = counts(user, filters, now)
    units, projects = filter_choices(user)
    mobile = ()
    if cursor is None and filters.view in ("due", "soon") and not (filters.state or filters.project_id):
        mobile = mobility.due_items(filters.unit.path if filters.unit else user.org_unit.path, now)
    return DueList(rows, filters, cursor is None, next_cursor.token() if next_cursor else None,
                   total, overdue, soon, incoming, waiting, units, projects, mobile)


def filter_choices(user):
    """The filter form's units of the user's subtree (by path) and projects, as (id, name) rows."""
    rows = db.session.execute(CHOICES, {"path": pattern(user.org_unit.path)}).all()
    return [row for row in rows if row.kind == 0], [row for row in rows if row.kind == 1]
