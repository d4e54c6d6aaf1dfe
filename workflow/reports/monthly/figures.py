"""Draw a unit's report for a period: one row per unit below it, its own cases, the total."""

from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import distinct, func, select

from workflow.db import db
from workflow.models import Case, OrgUnit, Person
from workflow.reports.monthly.measures import MEASURES
from workflow.subtree import under
from workflow.text import label


@dataclass
class Row:
    unit_id: int
    name: str
    cells: dict = field(default_factory=dict)  # column key -> count
    own: bool = False  # the reporting unit's own cases (本级), not a unit below


@dataclass
class Table:
    unit: OrgUnit
    period: object  # periods.Period
    columns: tuple  # template.Column
    rows: list
    total: dict

    def frozen(self):
        """The figures as plain data for the submitted copy (the columns too: the template may change)."""
        return {
            "columns": [{"key": c.key, "zh": c.zh, "en": c.en, "group": c.group} for c in self.columns],
            "rows": [{"unit_id": r.unit_id, "name": r.name, "own": r.own, "cells": r.cells} for r in self.rows],
            "total": self.total,
            "groups": {c.group: list(template().groups[c.group]) for c in self.columns if c.group},
        }


def template():
    return current_app.extensions["monthly_template"]


def draw(unit, period):
    """Return the Table of unit for period, as of the period's end (or now, if it has not ended)."""
    columns = template().columns
    below = db.session.scalars(select(OrgUnit).where(OrgUnit.parent_id == unit.id).order_by(OrgUnit.id)).all()
    rows = [Row(u.id, u.name) for u in below]
    own = Row(unit.id, _("本级"), own=True)
    counts = count_columns(columns, unit, period)
    for column in columns:
        for r in [*rows, own]:
            r.cells[column.key] = 0
        for path, count in counts[column.measure]:
            target = next((r for r, u in zip(rows, below, strict=True) if path.startswith(u.path)), own)
            target.cells[column.key] += count
    if any(own.cells.values()):
        rows.append(own)
    total = {c.key: sum(r.cells[c.key] for r in rows) for c in columns}
    return Table(unit, period, columns, rows, total)


def count_columns(columns, unit, period):
    """{measure name: [(path, n)]} under unit: the measures of one family share one statement."""
    counts, families = {}, {}
    for name in dict.fromkeys(c.measure for c in columns):
        family = getattr(MEASURES[name], "family", None)
        if family is None:
            counts[name] = count_one(name, unit, period)
        else:
            families.setdefault(family, []).append(name)
    for names in families.values():
        measures = [MEASURES[n] for n in names]
        counts.update(zip(names, measures[0].count_together(period, unit.path, measures), strict=True))
    return counts


def count_one(name, unit, period):
    """[(path, n)] of one measure from its own SELECT: what count_together must agree with."""
    sub = selection(name, period, unit.path).subquery()
    query = (select(sub.c.path, func.count(distinct(sub.c.case_id)))
             .where(under(sub.c.path, unit.path)).group_by(sub.c.path))
    return db.session.execute(query).all()


def selection(name, period, path):
    """The measure's SELECT of (case_id, path); one marked `within` may read only the subtree at path."""
    measure = MEASURES[name]
    return measure(period, within=path) if getattr(measure, "within", False) else measure(period)


def cases_behind(unit, period, column_key, row_unit_id):
    """The cases behind one number: [(case, person name, masked ID, state)], by name.

    row_unit_id is a unit directly below unit, unit itself for its own cases (本级), or
    None for the total; anything else is a LookupError (the screen answers 404).
    """
    column = next((c for c in template().columns if c.key == column_key), None)
    if column is None:
        raise LookupError(column_key)
    sub = selection(column.measure, period, unit.path).subquery()
    if row_unit_id is None:
        where = [under(sub.c.path, unit.path)]
    elif row_unit_id == unit.id:
        where = [sub.c.path == unit.path]
    else:
        row_unit = db.session.get(OrgUnit, row_unit_id)
        if row_unit is None or row_unit.parent_id != unit.id:
            raise LookupError(row_unit_id)
        where = [under(sub.c.path, row_unit.path)]
    ids = select(sub.c.case_id).where(*where).distinct().subquery()
    return db.session.execute(
        select(Case, Person.name, Person.id_masked)
        .join(Person, Person.id == Case.person_id).where(Case.id.in_(select(ids.c.case_id)))
        .order_by(Person.name, Case.id)
    ).all()


@dataclass
class Behind:
    period: object
    column: object  # template.Column
    row_name: str
    rows: list  # [(case, person name, masked ID)]


def cases_for(unit, period_key, column_key, row_unit_id, now):
    """The Behind of one number of unit's report (a screen's one call); LookupError when unknown."""
    from workflow.reports.monthly import periods

    period = periods.parse(period_key, now)
    column = next((c for c in template().columns if c.key == column_key), None)
    if column is None:
        raise LookupError(column_key)
    rows = cases_behind(unit, period, column_key, row_unit_id)
    name = _("合计") if row_unit_id is None else (_("本级") if row_unit_id == unit.id
                                                 else db.session.get(OrgUnit, row_unit_id).name)
    return Behind(period, column, name, rows)


def column_label(column):
    """A column's label in the current language: a template Column or a frozen copy's dict."""
    return label((column["zh"], column["en"]) if isinstance(column, dict) else (column.zh, column.en))
