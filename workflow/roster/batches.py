"""The supervisor's roster batches: upload one to preview, open one's own, list the recent imports."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from workflow.db import db
from workflow.models import ImportBatch, OrgUnit, Project, User
from workflow.models.org import subtree_filter
from workflow.roster import importer
from workflow.roster.limits import RosterFileError

MAX_BYTES = 10 * 1024 * 1024
RECENT = 10


@dataclass
class Shown:
    """A staged batch checked again, as its preview page shows it."""

    preview: importer.Preview
    worker: User | None
    earlier: ImportBatch | None  # the batch that already imported this very file


def upload(filename, data, project_id, worker_id, viewer):
    """Check a file and keep it (encrypted) for confirmation; return the batch.

    Raises RosterFileError (nothing kept) when the file is too big or unreadable.
    """
    project = db.session.get(Project, project_id)
    worker = db.session.get(User, worker_id) if worker_id else None
    if len(data) > MAX_BYTES:
        raise RosterFileError(_("文件超过10MB，请分批导入"))
    preview = importer.check(filename, data, project, viewer, worker)
    return importer.stage(filename, data, project, viewer, worker, preview)


def recent(viewer):
    """The last imports of the viewer's subtree, newest first."""
    return db.session.scalars(
        select(ImportBatch).join(OrgUnit, OrgUnit.id == ImportBatch.org_unit_id)
        .where(subtree_filter(OrgUnit.path, viewer.org_unit), ImportBatch.status == "imported")
        .order_by(ImportBatch.id.desc()).limit(RECENT)
    ).all()


def own(batch_id, viewer):
    """The batch the viewer uploaded, or None (someone else's batch is as good as none)."""
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or batch.user_id != viewer.id:
        return None
    return batch


def show(batch, viewer):
    """Check a staged batch again for its preview page."""
    worker = db.session.get(User, batch.worker_id) if batch.worker_id else None
    preview = importer.recheck(batch, viewer, worker)
    return Shown(preview, worker, importer.earlier_import(batch.project, batch.sha256))


def still_previewed(batch_id):
    """Whether a batch still waits for confirmation (after a refused confirm rolled back)."""
    return db.session.get(ImportBatch, batch_id).status == "previewed"
