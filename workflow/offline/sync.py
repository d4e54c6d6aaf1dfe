"""Apply one queued offline item: once (client id), on the version it was captured on, or say why not.

Each apply_* function is one transaction: the receipt row and what the service writes
commit together, so an item is either applied with its receipt or not at all. The
answers are plain dicts the phone shows: applied, duplicate, conflict (with the case as
it is now and the item as typed), refused (the engine's reason) or not_found.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from workflow.cases import registration, services
from workflow.db import db
from workflow.errors import CaseNotFound, Conflict, ProcessError
from workflow.models import ContactLog, OfflineReceipt
from workflow.models.contact import KINDS, OUTCOMES
from workflow.process.engine import get_engine
from workflow.text import label


@dataclass(frozen=True)
class Item:
    """What every queued item carries besides its fields."""

    client_id: str
    case_id: int
    version: int | None  # the case's version when the form was opened on the phone
    force: bool = False  # the worker saw the conflict and chose to apply it anyway


def already_applied(client_id):
    """The receipt of an item already applied, or None."""
    return db.session.scalar(select(OfflineReceipt).where(OfflineReceipt.client_id == client_id))


def case_now(case):
    """What the worker needs to see of the case as the server has it now (masked: no numbers)."""
    last = db.session.scalars(select(ContactLog).where(ContactLog.case_id == case.id)
                              .order_by(ContactLog.contacted_at.desc(), ContactLog.id.desc()).limit(1)).first()
    engine = get_engine()
    out = {"version": case.version, "state": engine.state_label(case.state),
           "updated_at": case.updated_at.isoformat(), "last_contact": None}
    if last is not None:
        out["last_contact"] = {"kind": label(KINDS.get(last.kind, (last.kind, last.kind))),
                               "outcome": label(OUTCOMES.get(last.outcome, (last.outcome, last.outcome))),
                               "at": last.contacted_at.isoformat(),
                               "by": last.user.display_name if last.user else ""}
    return out


def _apply(kind, user, item, write):
    """Run write(case) (a service that commits) with the receipt in the same transaction."""
    if already_applied(item.client_id) is not None:
        return {"status": "duplicate", "message": _("已记录过")}
    try:
        case = services.load_case(item.case_id, user)
    except CaseNotFound as exc:
        return {"status": "not_found", "message": exc.message}
    if not item.force and item.version != case.version:
        return {"status": "conflict", "message": _("该案件已被其他人修改"), "server": case_now(case)}
    message = _("已同步")
    db.session.add(OfflineReceipt(client_id=item.client_id, user_id=user.id, case_id=case.id,
                                  kind=kind, result=message))
    try:
        write(case, case.version)
    except IntegrityError:  # the same item, sent twice at once: the other request applied it
        db.session.rollback()
        return {"status": "duplicate", "message": _("已记录过")}
    except Conflict:
        db.session.rollback()
        return {"status": "conflict", "message": _("该案件已被其他人修改"),
                "server": case_now(services.load_case(item.case_id, user))}
    except ProcessError as exc:
        db.session.rollback()
        return {"status": "refused", "message": exc.message}
    # The phone's next items on this case were captured on top of this one: they carry on from here.
    return {"status": "applied", "message": message, "version": case.version}


def apply_visit(user, item, *, contacted_at, outcome, met_with=None, notes=None):
    """入户走访 captured offline; its date is never before the case entered its state."""
    def write(case, version):
        when = max(contacted_at, case.state_entered_at)
        services.record_visit(case, user, contacted_at=when, outcome=outcome, now=when,
                              met_with=met_with, notes=notes, expected_version=version)

    return _apply("visit", user, item, write)


def apply_contact(user, item, *, kind, outcome, contacted_at, notes=None, new_phone=None,
                  new_address=None, address_kind="transitional"):
    """跟踪联系 / 未联系上 captured offline: the outcome picks the trigger, as online."""
    def write(case, version):
        services.record_follow_up(case, user, kind=kind, outcome=outcome, contacted_at=contacted_at,
                                  notes=notes, new_phone=new_phone, new_address=new_address,
                                  address_kind=address_kind, expected_version=version)

    return _apply("contact", user, item, write)


def apply_registration(user, item, items_of):
    """A 五必登 entry captured offline; items_of(current entries) gives what was typed."""
    def write(case, version):
        services.save_registration(case, user, items_of(registration.current_entries(case.id)),
                                   expected_version=version)

    return _apply("registration", user, item, write)
