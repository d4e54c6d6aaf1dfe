"""The SMS gateway adapter: one JSON POST per message, HTTP Basic credentials, the answer recorded.

The protocol (docs/member-link.md): POST SMS_GATEWAY_URL with
    {"to": "13800000000", "text": "【签名】…", "reference": "dongqian-<delivery id>"}
and answer 200 with {"status": "accepted" | "queued" | "sent" | <refusal>, "id": "<gateway's id>"}.
Every answer, accepted or not, is kept as an SmsReceipt of the delivery.
"""

import base64
import json
import urllib.error
import urllib.request

from flask import current_app
from sqlalchemy import select

from scheduler.channels import ChannelError, Skip
from workflow.db import db
from workflow.member.channels import member_mobile
from workflow.models import Delivery, SmsReceipt

ACCEPTED = ("accepted", "queued", "sent", "delivered")


def payload(message, mobile, reference):
    """The JSON the gateway takes: the number, the signed text, our reference."""
    sign = current_app.config.get("SMS_SIGN") or ""
    return {"to": mobile, "text": f"{sign}{message.title}：{message.body}", "reference": reference}


def _request(cfg, data):
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if cfg.get("SMS_GATEWAY_USERNAME"):
        pair = f"{cfg['SMS_GATEWAY_USERNAME']}:{cfg.get('SMS_GATEWAY_PASSWORD') or ''}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
    return urllib.request.Request(cfg["SMS_GATEWAY_URL"], data=data, method="POST", headers=headers)


def send(message, now):
    """Send one message to the member's mobile through the gateway; record what it answered."""
    cfg = current_app.config
    if not cfg.get("SMS_GATEWAY_URL"):
        raise Skip("SMS_GATEWAY_URL is not set")
    mobile = member_mobile(message.case_id) if message.case_id else None
    if mobile is None:
        raise Skip("no mobile number")
    delivery_id = db.session.scalar(select(Delivery.id).where(Delivery.message_id == message.id,
                                                              Delivery.channel == "sms"))
    data = json.dumps(payload(message, mobile, f"dongqian-{delivery_id}"), ensure_ascii=False).encode("utf-8")
    try:
        with urllib.request.urlopen(_request(cfg, data), timeout=cfg["SMS_TIMEOUT_SECONDS"]) as response:
            answer = response.read(65536)
    except urllib.error.HTTPError as exc:
        raise ChannelError(f"sms: HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise ChannelError(f"sms: {type(exc).__name__}: {getattr(exc, 'reason', exc)}") from None
    try:
        body = json.loads(answer or b"{}")
    except ValueError:
        body = {}
    status = str(body.get("status") or "unknown")[:40] if isinstance(body, dict) else "unknown"
    reference = str(body.get("id"))[:100] if isinstance(body, dict) and body.get("id") else None
    db.session.add(SmsReceipt(delivery_id=delivery_id, at=now, reference=reference, status=status))
    if status not in ACCEPTED:
        raise ChannelError(f"sms: gateway answered {status}")
