"""The named measures a report column may use: the one registry (MEASURES).

A measure is a function of a Period returning a SELECT of (case_id, path): the cases it
counts and the path of the unit each one counts for. Counting and the list behind a
number both read that one SELECT, so a figure and its cases always agree. Flow measures
read the history rows inside the period (indexed by time: the cost follows the period's
activity); stock measures read each case's last row before the period's end. Each row
counts for the unit it was written in (from_path/org_path), never where the case is now.

Households and 流动党员/活动证 plug in here when their tables land (docs/reports.md).
"""

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import aliased

from workflow.models import ContactLog, TransitionRecord

MEASURES = {}


def measure(name):
    """Register a function as the measure of that name."""
    def register(fn):
        MEASURES[name] = fn
        return fn
    return register


def _rows(period, *conditions, side="org_path"):
    tr = TransitionRecord
    path = getattr(tr, side)
    return (select(tr.case_id.label("case_id"), path.label("path"))
            .where(tr.at >= period.start, tr.at < period.end, path.is_not(None), *conditions))


def _at_end(period, *states):
    """Cases whose last history row before the period's end leaves them in one of states."""
    tr, later = TransitionRecord, aliased(TransitionRecord)
    newer = exists().where(later.case_id == tr.case_id, later.at < period.end,
                           (later.at > tr.at) | and_(later.at == tr.at, later.id > tr.id))
    kept = tr.to_state.in_(states) if states else tr.to_state != "closed"
    return (select(tr.case_id.label("case_id"), tr.org_path.label("path"))
            .where(tr.at < period.end, tr.org_path.is_not(None), kept, ~newer))


@measure("cases_at_end")
def cases_at_end(period):
    """Every case not closed at the period's end."""
    return _at_end(period)


@measure("registered_at_end")
def registered_at_end(period):
    """Cases with an approved registration and not yet handed over at the end (已登记 onward)."""
    return _at_end(period, "registered", "following", "lost", "handover")


@measure("following_at_end")
def following_at_end(period):
    return _at_end(period, "following", "handover")


@measure("lost_at_end")
def lost_at_end(period):
    return _at_end(period, "lost")


@measure("in_review_at_end")
def in_review_at_end(period):
    return _at_end(period, "in_review")


def _trigger(name, side="org_path"):
    def flow(period):
        return _rows(period, TransitionRecord.trigger == name, side=side)
    flow.__doc__ = f"Cases with a {name!r} row in the period."
    return flow


for _name, _trig in (("listed", "list"), ("visited", "visit"), ("submitted", "submit"), ("approved", "approve"),
                     ("moved_out", "move_out"), ("contacted", "contact"), ("reconnected", "reconnect"),
                     ("closed", "close")):
    measure(_name)(_trigger(_trig))
measure("sent_back")(_trigger("send_back"))
measure("handovers_proposed")(_trigger("hand_over", side="from_path"))
measure("handovers_rejected")(_trigger("reject", side="from_path"))


@measure("became_lost")
def became_lost(period):
    tr = TransitionRecord
    return _rows(period, tr.to_state == "lost", tr.from_state != "lost")


@measure("handovers_in")
def handovers_in(period):
    """Accepted into the unit: counted on the receiving side only."""
    tr = TransitionRecord
    return _rows(period, tr.trigger == "accept", tr.from_path != tr.org_path)


@measure("handovers_out")
def handovers_out(period):
    """Left the unit by an accepted handover or a receipt from outside: counted on the sending side."""
    tr = TransitionRecord
    return _rows(period, tr.trigger.in_(("accept", "record_receipt")), side="from_path")


@measure("resettled")
def resettled(period):
    tr = TransitionRecord
    return _rows(period, tr.to_state == "resettled", tr.from_state != "resettled", side="from_path")


@measure("transferred")
def transferred(period):
    tr = TransitionRecord
    return _rows(period, tr.to_state == "transferred", tr.from_state != "transferred", side="from_path")


@measure("self_checkins")
def self_checkins(period):
    """Members who checked in themselves (平安报到), for the unit their case was in at that moment."""
    log, tr, later = ContactLog, TransitionRecord, aliased(TransitionRecord)
    newer = exists().where(later.case_id == tr.case_id, later.at <= log.contacted_at,
                           (later.at > tr.at) | and_(later.at == tr.at, later.id > tr.id))
    return (select(log.case_id.label("case_id"), tr.org_path.label("path"))
            .join(tr, and_(tr.case_id == log.case_id, tr.at <= log.contacted_at))
            .where(log.kind == "self", log.contacted_at >= period.start, log.contacted_at < period.end,
                   tr.org_path.is_not(None), ~newer))
