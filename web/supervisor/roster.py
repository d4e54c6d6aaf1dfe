"""Import a 摸底名单: upload, see every row's problems, then confirm (all or nothing)."""

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from forms.roster import ConfirmForm, upload_form
from workflow.roster import batches, importer
from workflow.roster.limits import RosterFileError

SHOWN_SKIPS = 200


def upload():
    """Upload a roster; a readable file is kept (encrypted) and its preview shown."""
    form = upload_form(g.user)
    if form.validate_on_submit():
        data = form.file.data.read(batches.MAX_BYTES + 1)
        try:
            batch = batches.upload(form.file.data.filename or "", data, form.project.data, form.worker.data, g.user)
        except RosterFileError as exc:
            form.file.errors.append(str(exc))
        else:
            return redirect(url_for("supervisor.roster_batch", batch_id=batch.id))
    return render_template("supervisor/roster.html", form=form, batches=batches.recent(g.user)), \
        400 if form.errors else 200


def _own_batch(batch_id):
    batch = batches.own(batch_id, g.user)
    if batch is None:
        abort(404)
    return batch


def show(batch_id):
    """The preview of a staged roster, or the result of an imported one."""
    batch = _own_batch(batch_id)
    if batch.status != "previewed":
        return render_template("supervisor/roster_done.html", batch=batch)
    return _preview(batch)


def _preview(batch, status=200):
    shown = batches.show(batch, g.user)
    return render_template(
        "supervisor/roster_preview.html", batch=batch, preview=shown.preview, form=ConfirmForm(),
        worker=shown.worker, earlier=shown.earlier, shown_skips=SHOWN_SKIPS,
    ), status


def confirm(batch_id):
    """Import every new row of a clean preview, or nothing."""
    batch = _own_batch(batch_id)
    try:
        preview = importer.confirm(batch, g.user)
    except importer.ImportRefused as exc:
        flash(exc.message, "error")
        if batches.still_previewed(batch_id):
            return _preview(batch, 400)
        return redirect(url_for("supervisor.roster_batch", batch_id=batch_id))
    flash(_("已导入%(added)s人，跳过%(skipped)s人（已在本项目中）",
            added=len(preview.of("new")), skipped=len(preview.of("skip"))), "success")
    return redirect(url_for("supervisor.roster_batch", batch_id=batch_id))
