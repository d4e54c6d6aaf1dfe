"""The one way every case screen handles a form: validate, act once, or say why not."""

from flask import abort, flash, g, redirect, render_template, request, url_for

from workflow.cases.services import load_case
from workflow.errors import CaseNotFound, Conflict, GuardFailed, NotAllowed, ProcessError
from workflow.process.engine import get_engine


def found_or_404(read, *args, **kwargs):
    """Return read(*args, **kwargs); a case the user may not see (CaseNotFound) answers 404 with no data."""
    try:
        return read(*args, **kwargs)
    except CaseNotFound:
        abort(404)


def case_or_404(case_id):
    """Return the case if the user may see it (the one scope check of the request); otherwise 404."""
    return found_or_404(load_case, case_id, g.user)


def render_screen(template, case, form=None, status=200, **context):
    """Render a case screen; context may carry refusal, problems or conflict."""
    context.setdefault("refusal", None)
    context.setdefault("problems", [])
    context.setdefault("conflict", False)
    return render_template(template, case=case, form=form, **context), status


def refuse(template, case, reason, **context):
    """Show a screen that cannot be used now, with the reason; a POST to it is refused (403).

    A POST from a page older than the case is a conflict first: the state the
    user saw has changed, and reloading shows why the screen is closed now.
    """
    if request.method != "POST":
        return render_screen(template, case, None, 200, refusal=reason, **context)
    posted = request.form.get("version")
    if posted is not None and posted != str(case.version):
        return render_screen(template, case, None, 409, conflict=True, **context)
    return render_screen(template, case, None, 403, refusal=reason, **context)


def run(case, form, template, action, success, **context):
    """Validate the form and run action(form) (one transaction); then go back to the case.

    Bad input, a refusal, missing items or a conflict re-render the screen with
    everything typed kept; the service has written nothing.
    """
    if not form.is_submitted():
        return render_screen(template, case, form, **context)
    if not form.validate():
        return render_screen(template, case, form, 422, **context)
    try:
        message = action(form) or success
    except CaseNotFound:
        abort(404)
    except Conflict:
        return render_screen(template, case, form, 409, conflict=True, **context)
    except GuardFailed as exc:
        return render_screen(template, case, form, 422, problems=exc.problems, **context)
    except NotAllowed as exc:
        return render_screen(template, case, form, 403, refusal=exc.message, **context)
    except ProcessError as exc:
        return render_screen(template, case, form, 422, refusal=exc.message, **context)
    flash(message, "success")
    if not get_engine().visible(g.user, case):  # e.g. a rejected handover went back to the sender
        return redirect(url_for("cases.index"))
    return redirect(url_for("cases.show", case_id=case.id))
