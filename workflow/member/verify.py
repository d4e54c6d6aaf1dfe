"""Prove it is the member: the last four digits of the 身份证号, within two limits.

Per link: MEMBER_VERIFY_MAX_FAILURES wrong answers in a row lock it (the worker is
told; a reissued card opens again). Per address: MEMBER_VERIFY_MAX_PER_ADDRESS wrong
answers within the window and that address is refused at once, before any link is
looked at, so guessing from one place never locks the real member out elsewhere.
"""

import hmac
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from workflow.db import db, utcnow
from workflow.member import links
from workflow.models import MemberAttempt, MemberLink
from workflow.models.audit import record as audit
from workflow.outbox import notify
from workflow.privacy import pii

KEEP = timedelta(days=1)


@dataclass(frozen=True)
class Outcome:
    """How an answer went: "ok", "wrong", "locked", "throttled" or "invalid" (no such link)."""

    status: str
    link_id: int | None = None
    left: int = 0  # wrong answers left before the link locks


def _window():
    return timedelta(minutes=current_app.config["MEMBER_VERIFY_WINDOW_MINUTES"])


def address_blocked(address, now=None):
    """Say whether this address has given too many wrong answers lately."""
    now = now or utcnow()
    failures = db.session.scalar(select(func.count(MemberAttempt.id)).where(
        MemberAttempt.address == address, MemberAttempt.ok.is_(False), MemberAttempt.at > now - _window()))
    return failures >= current_app.config["MEMBER_VERIFY_MAX_PER_ADDRESS"]


def _matches(case, answer):
    """Compare the answer with the last four of the stored (encrypted) ID number."""
    expected = pii.decrypt(case.person.id_cipher)[-4:].upper()
    return hmac.compare_digest(expected.encode(), (answer or "").strip().upper().encode())


def check(token, answer, address, now=None):
    """Judge one answer to the question on the link's page; one transaction."""
    now = now or utcnow()
    if address_blocked(address, now):
        db.session.rollback()
        return Outcome("throttled")
    db.session.execute(delete(MemberAttempt).where(MemberAttempt.at < now - max(KEEP, _window())))
    found = links.find(token, now)
    if found is None:
        db.session.add(MemberAttempt(link_id=None, address=address, at=now, ok=False))
        db.session.commit()
        return Outcome("invalid")
    link, case = found
    if link.locked_at is not None:
        db.session.rollback()
        return Outcome("locked", link.id)
    if _matches(case, answer):
        db.session.add(MemberAttempt(link_id=link.id, address=address, at=now, ok=True))
        link.failures = 0
        audit("member_verified", case=case, address=address, link_id=link.id)
        db.session.commit()
        return Outcome("ok", link.id)
    return _wrong(link, case, address, now)


def _wrong(link, case, address, now):
    """Count a wrong answer atomically (two at once both count); the last allowed one locks."""
    db.session.add(MemberAttempt(link_id=link.id, address=address, at=now, ok=False))
    failures = db.session.execute(update(MemberLink).where(MemberLink.id == link.id)
                                  .values(failures=MemberLink.failures + 1).returning(MemberLink.failures)).scalar()
    limit = current_app.config["MEMBER_VERIFY_MAX_FAILURES"]
    if failures < limit:
        db.session.commit()
        return Outcome("wrong", link.id, limit - failures)
    db.session.execute(update(MemberLink).where(MemberLink.id == link.id, MemberLink.locked_at.is_(None))
                       .values(locked_at=now))
    audit("member_link_locked", case=case, address=address, link_id=link.id, failures=failures)
    if case.worker is not None:
        notify(case.worker, "member_locked", _("成员链接已锁定：%(name)s", name=case.person.name),
               _("%(name)s的联系卡链接连续%(n)s次身份验证失败，已锁定。请与本人核实；如需继续使用，请重新生成联系卡链接。",
                 name=case.person.name, n=failures),
               case=case, key=f"{case.id}|member_locked|{link.id}", now=now)
    db.session.commit()
    return Outcome("locked", link.id)
