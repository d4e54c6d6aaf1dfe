"""The named measures a report column may use: the one registry (MEASURES).

A measure is a function of a Period returning a SELECT of (case_id, path): the cases it
counts and the path of the unit each one counts for (one with a counts() method counts
faster than that SELECT, with the same result: AtEnd). Counting and the list behind a
number both read that one SELECT, so a figure and its cases always agree. Flow measures
read the history rows inside the period (indexed by time: the cost follows the period's
activity); stock measures read each case's last row before the period's end. Each row
counts for the unit it was written in (from_path/org_path), never where the case is now.

Households and 流动党员/活动证 plug in here when their tables land (docs/reports.md).
"""

from sqlalchemy import and_, exists, func, select, union_all
from sqlalchemy.orm import aliased

from workflow.db import db
from workflow.models import Case, ContactLog, TransitionRecord
from workflow.subtree import under

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


class AtEnd:
    """Cases in some states at the period's end: the state now, undone by the rows written since.

    Counting reads the cases of the subtree grouped by unit and state (index only) and the
    history rows after the period's end: for last month, this month's activity. The list
    behind a number asks each case of the unit the same question.
    """

    def __init__(self, *states):
        self.states = states  # none: every state but closed

    def _in(self, column):
        return column.in_(self.states) if self.states else column != "closed"

    def counts(self, period, path):
        """[(path, n)] under path at the period's end."""
        tr, out = TransitionRecord, {}
        now = (select(Case.org_path, func.count()).where(self._in(Case.state), under(Case.org_path, path))
               .group_by(Case.org_path))
        left = (select(tr.from_path, func.count()).where(tr.at >= period.end, tr.from_path.is_not(None),
                                                        self._in(tr.from_state), under(tr.from_path, path))
                .group_by(tr.from_path))
        came = (select(tr.org_path, func.count()).where(tr.at >= period.end, tr.org_path.is_not(None),
                                                       self._in(tr.to_state), under(tr.org_path, path))
                .group_by(tr.org_path))
        for query, sign in ((now, 1), (left, 1), (came, -1)):
            for row_path, n in db.session.execute(query):
                out[row_path] = out.get(row_path, 0) + sign * n
        return [(p, n) for p, n in out.items() if n]

    def __call__(self, period):
        tr, earlier = TransitionRecord, aliased(TransitionRecord)
        since = exists().where(tr.case_id == Case.id, tr.at >= period.end)
        unchanged = select(Case.id.label("case_id"), Case.org_path.label("path")).where(self._in(Case.state), ~since)
        first = ~exists().where(earlier.case_id == tr.case_id, earlier.at >= period.end,
                                (earlier.at < tr.at) | and_(earlier.at == tr.at, earlier.id < tr.id))
        changed = select(tr.case_id, tr.from_path).where(tr.at >= period.end, tr.from_path.is_not(None),
                                                         self._in(tr.from_state), first)
        return union_all(unchanged, changed)


MEASURES["cases_at_end"] = AtEnd()  # every case not closed
MEASURES["registered_at_end"] = AtEnd("registered", "following", "lost", "handover")  # 已登记 onward
MEASURES["following_at_end"] = AtEnd("following", "handover")
MEASURES["lost_at_end"] = AtEnd("lost")
MEASURES["in_review_at_end"] = AtEnd("in_review")


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
