"""The review queue (待审核): approve one or several clean cases, or send one back."""

from flask import abort, current_app, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from forms.review import ReviewForm, SendBackForm
from web.supervisor.helpers import ROLES, page_number, selected_ids
from workflow.cases import review
from workflow.cases.services import load_case
from workflow.db import utcnow
from workflow.errors import CaseNotFound, ProcessError


def review_count():
    """Offer the number of cases waiting for review (computed only when a page asks)."""
    def count():
        if g.get("user") is None or g.user.role not in ROLES:
            return 0
        return review.waiting_count(g.user)
    return {"review_count": count}


def queue():
    """The cases waiting for review, the longest waiting first, each with its problems."""
    return _render({})


def _render(failed, status=200):
    page = page_number()
    per_page = current_app.config["CASES_PER_PAGE"]
    now = utcnow()
    found = review.queue_page(g.user, now, limit=per_page, offset=(page - 1) * per_page)
    return render_template(
        "supervisor/review.html", rows=found.rows, total=found.total, page=page,
        has_next=page * per_page < found.total, problems=found.problems, allowed=found.allowed, failed=failed,
        blank=SendBackForm(formdata=None), form=ReviewForm(), now=now,
    ), status


def approve():
    """Approve the ticked cases (or the one whose button was pressed), each on its own."""
    ids = selected_ids()
    if not ids:
        flash(_("请先勾选要审核通过的案件"), "error")
        return redirect(url_for("supervisor.review"))
    outcomes = review.approve_many(ids, g.user)
    done = [o for o in outcomes if o.ok]
    if done:
        flash(_("已审核通过%(n)s件：%(names)s", n=len(done), names="、".join(o.name for o in done)), "success")
    for o in outcomes:
        if not o.ok:
            flash(f"{o.name}：{o.message}", "error")
    return redirect(url_for("supervisor.review"))


def send_back(case_id):
    """Send one case back to its worker with the reason they will read."""
    try:
        case = load_case(case_id, g.user)
    except CaseNotFound:
        abort(404)
    form = SendBackForm()
    if not form.validate_on_submit():
        return _render({case.id: form}, 400)
    try:
        review.send_back(case, g.user, form.reason.data, expected_version=_version(form.version.data))
    except ProcessError as exc:
        flash(f"{case.person.name}：{exc.message}", "error")
        return redirect(url_for("supervisor.review"))
    flash(_("已退回%(name)s的登记，原因已告知责任人", name=case.person.name), "success")
    return redirect(url_for("supervisor.review"))


def _version(value):
    """The version the page was drawn from; a tampered value never matches (a conflict)."""
    if not value:
        return None
    return int(value) if value.isdigit() else -1
