"""One 入户走访 for the household: a visit on every ticked member's case, in one transaction."""

from workflow.cases.services import log_contact
from workflow.households.steps import fire_all, refuse_unless_all, ticked_cases
from workflow.process.engine import get_engine


def record_household_visit(actor, household, versions, *, contacted_at, outcome, met_with=None, notes=None,
                           now=None):
    """Log the visit on each ticked member's case; reached fires visit on each. All or nothing.

    versions: {case_id: version the screen showed}; each case is checked against its own.
    """
    cases = ticked_cases(household, versions)
    refuse_unless_all(cases, "visit", actor, versions, guards=False)  # its guard reads the visit written here
    engine = get_engine()

    def visit_one(case):
        log = log_contact(case, actor, kind="visit", outcome=outcome, contacted_at=contacted_at,
                          met_with=met_with or case.person.name, notes=notes)
        if outcome == "reached":
            engine.fire(case, "visit", actor, contact=log, now=now, commit=False,
                        expected_version=versions[case.id])
        else:
            case.updated_at = contacted_at  # the case changed: a new version

    fire_all(cases, visit_one)
    return cases
