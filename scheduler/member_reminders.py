"""Ask members to 平安报到 when their follow-up comes due: robot @-mention, e-mail, SMS.

One request per case and deadline (the outbox key and the link's asked_due_at), on every
channel that can reach the member; a member no channel reaches is told to the worker as
无可用联系渠道 instead of being skipped silently. Off until MEMBER_CHECKIN_REMINDERS.
"""

from collections import Counter
from dataclasses import dataclass, field
from email.message import EmailMessage

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import insert, select

from scheduler.channels import ChannelError, Skip, _smtp
from scheduler.settings import days
from workflow.db import db
from workflow.member.channels import member_channels
from workflow.models import Case, Delivery, MemberLink, OutboxMessage
from workflow.outbox import dedupe_key, enqueue, notify, webhook_unit
from workflow.process.engine import get_engine

EXTRA_CHANNELS = {"email": "member_email", "sms": "sms"}  # beyond what enqueue() writes itself


@dataclass
class CheckinResult:
    written: Counter = field(default_factory=Counter)

    def describe(self):
        parts = ", ".join(f"{k} {n}" for k, n in sorted(self.written.items())) or "none"
        return f"check-in requests: {parts}"


def due_links(now):
    """Working links whose case's follow-up falls due by now + REMINDER_LEAD_DAYS, not asked for it yet."""
    horizon = now + days("REMINDER_LEAD_DAYS")
    ends = get_engine().definition.settings["member_link_ends_in"]
    return db.session.execute(
        select(MemberLink, Case).join(Case, Case.id == MemberLink.case_id)
        .where(MemberLink.ended_at.is_(None), MemberLink.locked_at.is_(None), Case.due_kind == "follow_up",
               Case.next_due_at <= horizon, Case.state.not_in(ends), Case.handover_external.is_(None),
               (MemberLink.asked_due_at.is_(None)) | (MemberLink.asked_due_at != Case.next_due_at))
        .order_by(Case.next_due_at, Case.id)
    ).all()


def run(now):
    """Write every check-in request due as of now; each case its own transaction."""
    result = CheckinResult()
    if not current_app.config["MEMBER_CHECKIN_REMINDERS"]:
        return result
    for link, case in due_links(now):
        result.written[ask(link, case, now)] += 1
        db.session.commit()
    return result


def ask(link, case, now):
    """Queue one case's request (or tell the worker no channel reaches them); return what was done."""
    link.asked_due_at = case.next_due_at
    channels = member_channels(case, link)
    if not channels:
        if case.worker is not None:
            notify(case.worker, "no_channel", _("无可用联系渠道：%(name)s", name=case.person.name),
                   _("%(name)s的跟踪联系即将到期，但联络群机器人、电子邮件、短信都无法联系到本人，请电话或上门联系。",
                     name=case.person.name), case=case, due_at=case.next_due_at, now=now)
        return "no_channel"
    recipient = f"person:{case.person_id}"
    key = dedupe_key(case.id, case.next_due_at, "checkin_request", recipient)
    title = _("平安报到提醒")
    body = _("%(name)s同志：支部请您平安报到。请打开联系卡上的二维码或链接，输入身份证号后四位，点“平安报到”即可。",
             name=case.person.name)
    unit = webhook_unit(case.org_path) if "webhook" in channels else None
    written = enqueue(kind="checkin_request", recipient=recipient, title=title, body=body, case_id=case.id,
                      due_at=case.next_due_at, unit=unit, person_id=case.person_id, key=key, now=now)
    if not written:
        return "existing"
    message_id = db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key))
    extra = [{"message_id": message_id, "channel": EXTRA_CHANNELS[c], "status": "pending", "attempts": 0,
              "next_attempt_at": now} for c in channels if c in EXTRA_CHANNELS]
    if extra:
        db.session.execute(insert(Delivery), extra)
    return "asked"


def email(message, now):
    """The member_email channel: the request to the address given when the link was issued."""
    cfg = current_app.config
    address = db.session.scalar(select(MemberLink.email).where(MemberLink.case_id == message.case_id,
                                                               MemberLink.ended_at.is_(None)))
    if not address:
        raise Skip("no e-mail address")
    if not cfg.get("SMTP_HOST"):
        raise Skip("SMTP_HOST is not set")
    mail = EmailMessage()
    mail["Subject"], mail["From"], mail["To"] = message.title, cfg["SMTP_SENDER"], address
    mail.set_content(message.body)
    try:
        with _smtp(cfg) as server:
            server.send_message(mail)
    except OSError as exc:
        raise ChannelError(f"SMTP: {type(exc).__name__}: {exc}") from None
