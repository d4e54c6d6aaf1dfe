"""Notices to people about their cases, queued in the outbox inside the caller's transaction.

notify_sent_back runs after the engine fired and before the commit, so the notice is
written with the state change or not at all; the scheduler delivers it afterwards.
"""

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from workflow.db import db
from workflow.models import User
from workflow.outbox import notify


def notify_sent_back(case, record, actor):
    """Queue a notice to the case's responsible worker: sent back, and why."""
    if case.worker_id is None:
        current_app.logger.info("case %s sent back; it has no responsible worker to tell", case.id)
        return False
    worker = db.session.get(User, case.worker_id)
    # The stored text is read later by the recipient: write it in the default language.
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        title = _("退回修改：%(name)s", name=case.person.name)
        body = _("%(actor)s退回了登记，原因：%(reason)s", actor=actor.display_name, reason=record.reason)
    return notify(worker, "sent_back", title, body, case=case, key=f"sent_back:{record.id}")
