"""Notices to people about their cases. The inbox/outbox is wired in here, in one place.

notify_sent_back runs inside the send-back transaction (after the engine fired,
before the commit), so a notice row added to the session here is written with the
state change or not at all. Delivery happens later, from the outbox.
"""

from flask import current_app

# Callables taking one notice dict; the inbox registers itself here (see docs/supervisor.md).
LISTENERS = []


def notify_sent_back(case, reason, actor):
    """Tell the case's responsible worker that a supervisor sent the case back, and why."""
    notice = {
        "kind": "sent_back", "case_id": case.id, "worker_id": case.worker_id,
        "actor_id": actor.id, "reason": reason,
    }
    if not LISTENERS:
        # Not an error: the worker still sees the reason on the case page.
        current_app.logger.info("case %s sent back; no inbox is wired", case.id)
    for listener in LISTENERS:
        listener(notice)
    return notice
