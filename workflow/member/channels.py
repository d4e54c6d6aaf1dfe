"""Which ways a check-in request can reach a member: the group robot, e-mail, SMS."""

from flask import current_app
from flask_babel import gettext as _

from workflow.cases import registration
from workflow.member.links import current
from workflow.outbox import webhook_unit
from workflow.privacy.identity import InvalidValue, clean_mobile
from workflow.process.engine import get_engine
from workflow.text import N_

LABELS = {"webhook": N_("联络群机器人"), "email": N_("电子邮件"), "sms": N_("短信")}


def member_mobile(case_id):
    """The member's registered mobile, or None when there is none that works."""
    entry = registration.current_entries(case_id).get("contact")
    try:
        return clean_mobile(entry.phone) if entry is not None else None
    except InvalidValue:
        return None


def member_channels(case, link=None):
    """The channels that can reach the member now, of those MEMBER_CHECKIN_CHANNELS allows."""
    cfg = current_app.config
    wanted = cfg["MEMBER_CHECKIN_CHANNELS"]
    link = link or current(case.id)
    mobile = member_mobile(case.id)
    found = []
    if "webhook" in wanted and mobile and webhook_unit(case.org_path) is not None:
        found.append("webhook")
    if "email" in wanted and link is not None and link.email and cfg.get("SMTP_HOST"):
        found.append("email")
    if "sms" in wanted and mobile and cfg.get("SMS_GATEWAY_URL"):
        found.append("sms")
    return found


def describe(channels):
    """The channels in words for the worker; 无可用联系渠道 when there is none."""
    if not channels:
        return _("无可用联系渠道")
    return "、".join(_(LABELS[c]) for c in channels)


def link_status(case, user):
    """The card screen's view of the link: the current one, how reminders reach, who may issue."""
    engine = get_engine()
    settings = engine.definition.settings
    open_case = case.state not in settings["member_link_ends_in"] and case.handover_external is None
    link = current(case.id)
    return {"link": link, "channels": member_channels(case, link),
            "may_issue": open_case and engine.in_scope(user, case)}
