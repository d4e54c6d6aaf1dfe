"""The card's personal link: issue (reissue revokes the old one), revoke, and find it again.

The token exists in clear only in the answer that issued it (the printed card, the
QR code, a message sealed for the liaison group); the table keeps an HMAC of it.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from workflow.db import db, utcnow
from workflow.errors import CaseNotFound, NotAllowed
from workflow.models import Case, MemberLink
from workflow.models.audit import record as audit
from workflow.outbox import notify, webhook_unit
from workflow.privacy import pii
from workflow.process.engine import get_engine

SEALED = "sealed:"  # an outbox link kept encrypted until the channel sends it


def token_hash(token):
    """The stored form of a token: HMAC-SHA256 under SECRET_KEY."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"member-link:" + token.encode(), hashlib.sha256).hexdigest()


def path_of(token):
    """The link's path inside the app (the short link is PUBLIC_BASE_URL + this)."""
    return f"/m/{token}"


def ended(link, case, now=None):
    """Say whether the link no longer works: revoked, too old, or its case moved on."""
    now = now or utcnow()
    settings = get_engine().definition.settings
    if link.ended_at is not None:
        return True
    if now - link.created_at > timedelta(days=current_app.config["MEMBER_LINK_DAYS"]):
        return True
    return case.state in settings["member_link_ends_in"] or case.handover_external is not None


def find(token, now=None):
    """Return (link, case) of a working token, or None: whether it never existed or ended."""
    if not token or len(token) > 100:
        return None
    row = db.session.execute(
        select(MemberLink, Case).join(Case, Case.id == MemberLink.case_id)
        .where(MemberLink.token_hash == token_hash(token))
    ).first()
    if row is None or ended(row[0], row[1], now):
        return None
    return row[0], row[1]


def current(case_id):
    """The case's link that has not been revoked, or None."""
    return db.session.scalar(select(MemberLink).where(MemberLink.case_id == case_id,
                                                      MemberLink.ended_at.is_(None)))


def _owned(case, actor):
    engine = get_engine()
    if not engine.visible(actor, case):
        raise CaseNotFound()
    if not engine.in_scope(actor, case):
        raise NotAllowed(_("只有案件所属单位可以生成或作废成员链接"))
    settings = engine.definition.settings
    if case.state in settings["member_link_ends_in"] or case.handover_external is not None:
        raise NotAllowed(_("案件处于“%(state)s”状态，成员链接已停止使用", state=engine.state_label(case.state)))


def _end_all(case_id, reason, now):
    db.session.execute(update(MemberLink).where(MemberLink.case_id == case_id, MemberLink.ended_at.is_(None))
                       .values(ended_at=now, end_reason=reason))


def issue(case, actor, *, email=None, to_group=False, now=None):
    """Make a new link for the case, ending the old one; return its token (shown once).

    to_group: also post it to the liaison group's robot, @-mentioning the member.
    """
    _owned(case, actor)
    now = now or utcnow()
    unit = webhook_unit(case.org_path) if to_group else None
    if to_group and unit is None:
        raise NotAllowed(_("本单位及上级单位都没有配置联络群机器人，不能发送到联络群"))
    if to_group and not current_app.config.get("PUBLIC_BASE_URL"):
        raise NotAllowed(_("未设置系统访问地址（PUBLIC_BASE_URL），不能把链接发送到联络群"))
    _end_all(case.id, "reissued", now)
    token = secrets.token_urlsafe(16)
    link = MemberLink(case_id=case.id, token_hash=token_hash(token), created_at=now, created_by_id=actor.id,
                      failures=0, email=(email or "").strip() or None)
    db.session.add(link)
    db.session.flush()
    if to_group:
        notify(case.person, "member_link", _("联系卡链接：%(name)s", name=case.person.name),
               _("%(name)s同志：这是您联系卡上的个人链接。打开后输入身份证号后四位，即可平安报到、报告变更。",
                 name=case.person.name),
               case=case, key=f"{case.id}|member_link|{link.id}", link=SEALED + pii.encrypt(path_of(token)), now=now)
    audit("member_link_issued", user=actor, case=case, link_id=link.id, to_group=bool(to_group))
    db.session.commit()
    return token


def revoke(case, actor, now=None):
    """End the case's link: the card's QR code and short link stop working at once."""
    _owned(case, actor)
    now = now or utcnow()
    _end_all(case.id, "revoked", now)
    audit("member_link_revoked", user=actor, case=case)
    db.session.commit()


def opened(stored_link):
    """A message's link as a channel sends it: a sealed one is decrypted, others as stored."""
    if stored_link and stored_link.startswith(SEALED):
        return pii.decrypt(stored_link[len(SEALED):])
    return stored_link
