"""A resend after a crash is recognisable: the Message-ID comes from the outbox key, so the
second copy of one outbox row carries the id of the first (real SMTP on loopback)."""

import email
import hashlib
import re
from email import policy

from sqlalchemy import select

from tests.scheduler.conftest import local, run, smtp_server  # noqa: F401  (fixtures)
from tests.scheduler.test_channels import deliveries, made
from workflow.db import db
from workflow.models import OutboxMessage


def message_ids(mailbox):
    return [email.message_from_bytes(e.original_content, policy=policy.default)["Message-ID"]
            for e in mailbox.envelopes]


def test_two_sends_of_one_outbox_row_carry_the_same_message_id(run, make, smtp_server):  # noqa: F811
    made(make)
    now = local(2026, 11, 30, 10, 0)
    run.scan_due(now)
    assert run.deliver_due(now).outcomes == {"sent": 2}  # inbox and e-mail
    # The crash between sending and recording: the delivery is still pending afterwards.
    [sent] = deliveries("email")
    sent.status, sent.next_attempt_at = "pending", now
    db.session.commit()
    assert run.deliver_due(now).outcomes == {"sent": 1}
    first, second = message_ids(smtp_server)
    key = db.session.scalar(select(OutboxMessage.dedupe_key).where(OutboxMessage.id == sent.message_id))
    assert first == second == f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@dongqian.test>"


def test_different_messages_get_different_ids(run, make, smtp_server):  # noqa: F811
    made(make)
    made(make)
    now = local(2026, 11, 30, 10, 0)
    run.scan_due(now)
    run.deliver_due(now)
    ids = message_ids(smtp_server)
    assert len(ids) == 2 and len(set(ids)) == 2
    assert all(re.fullmatch(r"<[0-9a-f]{32}@dongqian\.test>", i) for i in ids)
