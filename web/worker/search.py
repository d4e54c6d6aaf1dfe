"""The worker's search page: the query is POSTed, the results show masked values only."""

from flask import Blueprint, current_app, g, render_template, request

from forms.base import BaseForm
from workflow.reports.search import search

bp = Blueprint("search", __name__)


@bp.route("/search", methods=["GET", "POST"])
def index():
    """The search page; results show masked ID numbers and phones only.

    The query is POSTed: an ID number or a phone in a URL would end up in access
    logs and browser history.
    """
    form = BaseForm()
    text = request.form.get("q", "").strip()[:50] if form.validate_on_submit() else ""
    limit = current_app.config.get("SEARCH_LIMIT", 50)
    found = search(g.user, text, limit)
    return render_template("search/index.html", form=form, q=text, rows=found.rows, more=found.more,
                           searched=found.searched, hint=found.hint, phones=found.phones, limit=limit)
