"""The channels: in-app inbox, e-mail over SMTP, and group-robot webhooks (企业微信/钉钉).

Each takes a message and the instant, and returns nothing on success; it raises
ChannelError (the reason is recorded on the attempt) or Skip (no address any more).
"""

import hashlib
import json
import smtplib
import ssl
import urllib.error
import urllib.request
from email.message import EmailMessage
from email.utils import formataddr

from flask import current_app

from workflow.cases import registration
from workflow.db import db
from workflow.member import links
from workflow.models import InboxItem
from workflow.outbox import insert_ignoring


class ChannelError(Exception):
    """The channel refused or failed; str() is recorded on the attempt."""


class Skip(Exception):
    """The message has no address on this channel any more (recorded, not retried)."""


def _full_text(message):
    """Body plus an absolute link when PUBLIC_BASE_URL is set."""
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    if base and message.link:
        return f"{message.body}\n{base}{links.opened(message.link)}"  # a member link is sealed until now
    return message.body


def inbox(message, now):
    """Put the message in its user's inbox (once, even if delivered again)."""
    if message.user_id is None:
        raise Skip("no user")
    values = {"user_id": message.user_id, "message_id": message.id, "case_id": message.case_id,
              "kind": message.kind, "title": message.title, "body": message.body,
              "link": message.link, "created_at": now}
    db.session.execute(insert_ignoring(InboxItem, ["message_id"], values))


def email(message, now):
    """Send the message to its user's address over SMTP."""
    cfg = current_app.config
    user = message.user
    if user is None or not user.email:
        raise Skip("no e-mail address")
    if not cfg.get("SMTP_HOST"):
        raise Skip("SMTP_HOST is not set")
    mail = EmailMessage()
    mail["Subject"] = message.title
    mail["From"] = cfg["SMTP_SENDER"]
    mail["To"] = formataddr((user.display_name, user.email))
    mail["Message-ID"] = message_id(message.dedupe_key, cfg["SMTP_SENDER"])
    mail.set_content(_full_text(message))
    try:
        with _smtp(cfg) as server:
            server.send_message(mail)
    except (smtplib.SMTPException, OSError) as exc:
        raise ChannelError(f"SMTP: {type(exc).__name__}: {exc}") from None


def message_id(key, sender):
    """The Message-ID of an outbox message: its key's digest at the sender's domain.

    Delivery is at-least-once (a crash after sending, before recording, sends again);
    the resend carries the same id, so mail systems can fold the two.
    """
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return f"<{digest}@{sender.rpartition('@')[2] or 'dongqian'}>"


def _smtp(cfg):
    host, port, timeout = cfg["SMTP_HOST"], cfg["SMTP_PORT"], cfg["SMTP_TIMEOUT_SECONDS"]
    if cfg["SMTP_SECURITY"] == "ssl":
        server = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        server = smtplib.SMTP(host, port, timeout=timeout)
    try:
        if cfg["SMTP_SECURITY"] == "starttls":
            server.starttls(context=ssl.create_default_context())
        if cfg.get("SMTP_USERNAME"):
            server.login(cfg["SMTP_USERNAME"], cfg.get("SMTP_PASSWORD") or "")
    except Exception:
        server.close()
        raise
    return server


def robot_payload(message, mobiles=()):
    """The text message both 企业微信 and 钉钉 group robots accept."""
    content = (current_app.config.get("WEBHOOK_PREFIX") or "") + message.title + "\n" + _full_text(message)
    payload = {"msgtype": "text", "text": {"content": content}}
    if mobiles:
        payload["text"]["mentioned_mobile_list"] = list(mobiles)  # 企业微信
        payload["at"] = {"atMobiles": list(mobiles)}  # 钉钉
    return payload


def webhook(message, now):
    """Post the message to its unit's group robot; a person on it is @-mentioned."""
    unit = message.unit
    if unit is None or not unit.webhook_url:
        raise Skip("no webhook URL")
    mobiles = _member_mobile(message)
    data = json.dumps(robot_payload(message, mobiles), ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(unit.webhook_url, data=data, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(request, timeout=current_app.config["WEBHOOK_TIMEOUT_SECONDS"]) as response:
            answer = response.read(65536)
    except urllib.error.HTTPError as exc:
        raise ChannelError(f"webhook: HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        # The URL carries the robot's key: name the failure, never the address.
        raise ChannelError(f"webhook: {type(exc).__name__}: {getattr(exc, 'reason', exc)}") from None
    _check_answer(answer)


def _check_answer(answer):
    """Both robots answer {"errcode": 0, "errmsg": "ok"}; anything else is a failure."""
    try:
        body = json.loads(answer or b"{}")
    except ValueError:
        return  # a plain 200 from a relay: accepted
    if isinstance(body, dict) and body.get("errcode", 0) != 0:
        raise ChannelError(f"webhook: errcode {body.get('errcode')}: {body.get('errmsg', '')}"[:500])


def _member_mobile(message):
    if message.person_id is None or message.case_id is None:
        return ()
    entry = registration.current_entries(message.case_id).get("contact")
    return (entry.phone,) if entry is not None and entry.phone else ()


CHANNELS = {"inbox": inbox, "email": email, "webhook": webhook}
