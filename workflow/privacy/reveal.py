"""Show a full ID number on purpose: role and scope checked, the reason audited, never the number.

Screens show Person.id_masked. The full number leaves the database only through
reveal_id_number (one case, e.g. the case page's "show full" button) or
reveal_id_numbers (many, e.g. an export with full values asked for explicitly).
"""

from blinker import Namespace
from flask import current_app
from flask_babel import gettext as _

from workflow.db import db
from workflow.errors import CaseNotFound, GuardFailed, NotAllowed
from workflow.models.audit import record
from workflow.privacy import pii
from workflow.privacy.identity import ID_PATTERN, scrub_id_numbers
from workflow.process.engine import get_engine

__all__ = ["ID_PATTERN", "REVEALED_KEY", "check_may_reveal", "reveal_id_number", "reveal_id_numbers", "scrub"]

# Where a request records the numbers it showed on purpose (tests scan everything else):
# web/views.py listens to `revealed` and keeps them in the request's environ under this key.
REVEALED_KEY = "dongqian.pii_revealed"
revealed = Namespace().signal("pii-revealed")
REASON_MAX = 200


def scrub(text):
    """Mask anything in text that looks like an ID number (for logs and typed usernames)."""
    return scrub_id_numbers(text)


def _check_scope(case, user):
    if not get_engine().visible(user, case):
        raise CaseNotFound()


def may_reveal(case, user):
    """Say whether the user may see the case's full ID number and phones (the case page's button)."""
    return user.role in current_app.config["PII_REVEAL_ROLES"] and get_engine().in_scope(user, case)


def _check_role_and_reason(user, reason):
    """Return the cleaned reason, or refuse a role not allowed or a missing reason."""
    if user.role not in current_app.config["PII_REVEAL_ROLES"]:
        raise NotAllowed(_("您的角色不能查看完整身份证号"))
    reason = " ".join((reason or "").split())
    if len(reason) < 2:
        raise GuardFailed([_("请填写查看完整身份证号的原因")])
    return scrub(reason)[:REASON_MAX]  # a reason that quotes the number must not store it


def check_may_reveal(user, reason):
    """Refuse before any work starts when the user may not reveal, or gave no reason."""
    _check_role_and_reason(user, reason)


def _mark_revealed(numbers):
    """Tell whoever listens (the web layer) that these numbers are shown on purpose."""
    revealed.send(current_app._get_current_object(), numbers=set(numbers))


def reveal_id_number(case, user, reason, address=None):
    """Return the case's full ID number after checking scope and role and auditing who, whose, why."""
    _check_scope(case, user)
    reason = _check_role_and_reason(user, reason)
    number = pii.decrypt(case.person.id_cipher)
    record("reveal_id", user=user, case=case, address=address, person_id=case.person_id, reason=reason)
    db.session.commit()  # the audit row is stored before the number is shown
    _mark_revealed([number])
    return number


def reveal_id_numbers(cases, user, reason, purpose="export", address=None):
    """Return {case id: full ID number} for many cases, audited as one row (ids, never numbers)."""
    cases = list(cases)
    for case in cases:
        _check_scope(case, user)
    reason = _check_role_and_reason(user, reason)
    numbers = {case.id: pii.decrypt(case.person.id_cipher) for case in cases}
    record("reveal_id_bulk", user=user, address=address, purpose=purpose, reason=reason,
           count=len(cases), case_ids=[c.id for c in cases][:1000])
    db.session.commit()
    _mark_revealed(numbers.values())
    return numbers
