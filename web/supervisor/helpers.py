"""What several supervisor views read from a request: the case filter, the ticked cases, the page."""

from flask import abort, g, request

from workflow.reports.filters import FilterError, from_args

ROLES = ("supervisor", "admin")


def current_filter(args=None):
    """The case filter of this request's arguments; a value outside the subtree is a 404."""
    try:
        return from_args(request.args if args is None else args, g.user)
    except FilterError:
        abort(404)


def selected_ids():
    """The case ids ticked in a list form (case_id=...), as ints, in order, once each."""
    ids = []
    for value in request.form.getlist("case_id"):
        if value.isdigit() and int(value) not in ids:
            ids.append(int(value))
    return ids


def page_number():
    """The page asked for (?page=), 1 when absent or below 1."""
    return max(request.args.get("page", 1, type=int), 1)
