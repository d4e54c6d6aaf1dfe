"""Import a 摸底名单: upload, see every row's problems, then confirm (all or nothing)."""

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from forms.roster import ConfirmForm, upload_form
from web.supervisor import blueprint
from workflow.db import db
from workflow.models import ImportBatch, OrgUnit, Project, User
from workflow.models.org import subtree_filter
from workflow.roster import importer
from workflow.roster.reader import RosterFileError

bp = blueprint("roster", __name__)
MAX_BYTES = 10 * 1024 * 1024
SHOWN_SKIPS = 200


@bp.route("/roster", methods=["GET", "POST"])
def upload():
    """Upload a roster; a readable file is kept (encrypted) and its preview shown."""
    form = upload_form(g.user)
    if form.validate_on_submit():
        data = form.file.data.read(MAX_BYTES + 1)
        filename = form.file.data.filename or ""
        project = db.session.get(Project, form.project.data)
        worker = db.session.get(User, form.worker.data) if form.worker.data else None
        try:
            if len(data) > MAX_BYTES:
                raise RosterFileError(_("文件超过10MB，请分批导入"))
            preview = importer.check(filename, data, project, g.user, worker)
        except RosterFileError as exc:
            form.file.errors.append(str(exc))
        else:
            batch = importer.stage(filename, data, project, g.user, worker, preview)
            return redirect(url_for("roster.show", batch_id=batch.id))
    return render_template("supervisor/roster.html", form=form, batches=_recent()), 400 if form.errors else 200


def _recent():
    """The last imports of the viewer's subtree."""
    return db.session.scalars(
        select(ImportBatch).join(OrgUnit, OrgUnit.id == ImportBatch.org_unit_id)
        .where(subtree_filter(OrgUnit.path, g.user.org_unit), ImportBatch.status == "imported")
        .order_by(ImportBatch.id.desc()).limit(10)
    ).all()


def _own_batch(batch_id):
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or batch.user_id != g.user.id:
        abort(404)
    return batch


@bp.get("/roster/<int:batch_id>")
def show(batch_id):
    """The preview of a staged roster, or the result of an imported one."""
    batch = _own_batch(batch_id)
    if batch.status != "previewed":
        return render_template("supervisor/roster_done.html", batch=batch)
    return _preview(batch)


def _preview(batch, status=200):
    worker = db.session.get(User, batch.worker_id) if batch.worker_id else None
    preview = importer.recheck(batch, g.user, worker)
    return render_template(
        "supervisor/roster_preview.html", batch=batch, preview=preview, form=ConfirmForm(), worker=worker,
        earlier=importer.earlier_import(batch.project, batch.sha256), shown_skips=SHOWN_SKIPS,
    ), status


@bp.post("/roster/<int:batch_id>/confirm")
def confirm(batch_id):
    """Import every new row of a clean preview, or nothing."""
    batch = _own_batch(batch_id)
    try:
        preview = importer.confirm(batch, g.user)
    except importer.ImportRefused as exc:
        flash(exc.message, "error")
        if db.session.get(ImportBatch, batch_id).status == "previewed":
            return _preview(batch, 400)
        return redirect(url_for("roster.show", batch_id=batch_id))
    flash(_("已导入%(added)s人，跳过%(skipped)s人（已在本项目中）",
            added=len(preview.of("new")), skipped=len(preview.of("skip"))), "success")
    return redirect(url_for("roster.show", batch_id=batch_id))
