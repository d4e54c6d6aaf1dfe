"""Deliver pending messages: each delivery its own transaction, every attempt recorded.

A failed channel is retried with exponential back-off (DELIVERY_BACKOFF_SECONDS,
doubling, at most DELIVERY_BACKOFF_MAX_SECONDS) until DELIVERY_MAX_ATTEMPTS; it
never holds up the other channels of the same message or other messages.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from scheduler.channels import CHANNELS, ChannelError, Skip
from workflow.db import db
from workflow.models import Delivery, DeliveryAttempt


@dataclass
class DeliveryResult:
    outcomes: Counter = field(default_factory=Counter)

    def describe(self):
        total = sum(self.outcomes.values())
        parts = ", ".join(f"{name} {n}" for name, n in sorted(self.outcomes.items())) or "nothing due"
        return f"{total} deliveries tried: {parts}"


def backoff(attempts):
    """The wait after the n-th failed attempt: base, doubling, capped."""
    cfg = current_app.config
    seconds = cfg["DELIVERY_BACKOFF_SECONDS"] * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, cfg["DELIVERY_BACKOFF_MAX_SECONDS"]))


def due_ids(now, limit):
    """Pending deliveries whose next attempt is due, the oldest first."""
    query = (select(Delivery.id).where(Delivery.status == "pending", Delivery.next_attempt_at <= now)
             .order_by(Delivery.next_attempt_at, Delivery.id).limit(limit))
    ids = db.session.scalars(query).all()
    db.session.commit()
    return ids


def run(now):
    """Try every delivery due as of now; return how they went."""
    result = DeliveryResult()
    for delivery_id in due_ids(now, current_app.config["DELIVERY_BATCH"]):
        outcome = attempt(delivery_id, now)
        if outcome:
            result.outcomes[outcome] += 1
    return result


def _lock(delivery_id):
    """Load a delivery for this transaction; on PostgreSQL skip it if another run holds it."""
    query = select(Delivery).where(Delivery.id == delivery_id, Delivery.status == "pending")
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return db.session.scalar(query)


def attempt(delivery_id, now):
    """Try one delivery once; record the attempt; return "sent", "retry", "failed" or "skipped"."""
    delivery = _lock(delivery_id)
    if delivery is None:
        db.session.rollback()
        return None
    error, outcome = None, "sent"
    try:
        CHANNELS[delivery.channel](delivery.message, now)
    except Skip as exc:
        error, outcome = f"skipped: {exc}", "skipped"
    except ChannelError as exc:
        error = str(exc)
    except Exception as exc:  # a bug in one channel must not stop the others; record it
        current_app.logger.exception("delivery %s on %s failed", delivery_id, delivery.channel)
        error = f"{type(exc).__name__}: {exc}"
        db.session.rollback()  # whatever the channel half-wrote goes; the attempt is kept
        delivery = _lock(delivery_id)
        if delivery is None:
            db.session.rollback()
            return None
    delivery.attempts += 1
    db.session.add(DeliveryAttempt(delivery_id=delivery.id, at=now, ok=error is None, error=error))
    if error is None:
        delivery.status, delivery.sent_at, delivery.last_error = "sent", now, None
    elif outcome == "skipped":
        delivery.status, delivery.last_error = "skipped", error
    else:
        delivery.last_error = error[:2000]
        if delivery.attempts >= current_app.config["DELIVERY_MAX_ATTEMPTS"]:
            delivery.status, outcome = "failed", "failed"
        else:
            delivery.next_attempt_at, outcome = now + backoff(delivery.attempts), "retry"
    db.session.commit()
    return outcome
