"""The named measures a report column may use: the one registry (MEASURES).

A measure is a function of a Period returning a SELECT of (case_id, path): the cases it
counts and the path of the unit each one counts for (one marked `within` also takes the
reporting unit's path and may leave out cases outside it). Counting and the list behind a
number both read that one SELECT, so a figure and its cases always agree. Measures of
one family (a `family` attribute: AtEnd, Flow of one side) are counted together by
their count_together(), one statement for the family with the same result as counting
each SELECT: a report is a handful of statements however many columns it has. Flow measures
read the history rows inside the period (indexed by time: the cost follows the period's
activity); stock measures read each case's last row before the period's end. Each row
counts for the unit it was written in (from_path/org_path), never where the case is now.
Households and 流动党员/活动证 are in people_measures (registered here at import).
"""

from sqlalchemy import and_, case, distinct, exists, func, or_, select, union_all
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


class AtEnd:
    """Cases in some states at the period's end: the state now, undone by the rows written since.

    Counting reads the cases of the subtree grouped by unit and state (index only) and the
    history rows after the period's end (for last month, this month's activity), once for
    all the AtEnd columns. The list behind a number asks each case of the unit the same question.
    """

    def __init__(self, *states):
        self.states = states  # none: every state but closed

    def _in(self, column):
        return column.in_(self.states) if self.states else column != "closed"

    family = "at_end"

    def has(self, state):
        return state in self.states if self.states else state != "closed"

    @staticmethod
    def count_together(period, path, measures):
        """[[(path, n)] per measure] under path at the period's end, from one statement."""
        tr = TransitionRecord
        now = select(Case.org_path, Case.state, func.count()).where(under(Case.org_path, path)).group_by(
            Case.org_path, Case.state)
        left = (select(tr.from_path, tr.from_state, func.count())
                .where(tr.at >= period.end, tr.from_path.is_not(None), under(tr.from_path, path))
                .group_by(tr.from_path, tr.from_state))
        came = (select(tr.org_path, tr.to_state, -func.count())
                .where(tr.at >= period.end, tr.org_path.is_not(None), under(tr.org_path, path))
                .group_by(tr.org_path, tr.to_state))
        by_state = {}
        for row_path, state, n in db.session.execute(union_all(now, left, came)):
            by_state[row_path, state] = by_state.get((row_path, state), 0) + n
        out = []
        for m in measures:
            totals = {}
            for (row_path, state), n in by_state.items():
                if m.has(state):
                    totals[row_path] = totals.get(row_path, 0) + n
            out.append([(p, n) for p, n in totals.items() if n])
        return out

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


class Flow:
    """Cases with a history row in the period that meets the conditions, for the unit on one side.

    side is the row's org_path (where it happened) or from_path (the unit a case left).
    Counting reads the period's rows once per side for all its Flow columns.
    """

    def __init__(self, *conditions, side="org_path", doc=None):
        self.conditions, self.side, self.__doc__ = conditions, side, doc
        self.family = ("flow", side)

    def __call__(self, period):
        tr = TransitionRecord
        path = getattr(tr, self.side)
        return (select(tr.case_id.label("case_id"), path.label("path"))
                .where(tr.at >= period.start, tr.at < period.end, path.is_not(None), *self.conditions))

    @staticmethod
    def count_together(period, path, flows):
        """[[(path, n)] per flow] under path, from one statement over the period's rows."""
        tr = TransitionRecord
        side = getattr(tr, flows[0].side)
        each = [and_(*f.conditions) for f in flows]
        query = (select(side, *(func.count(distinct(case((c, tr.case_id)))) for c in each))
                 .where(tr.at >= period.start, tr.at < period.end, side.is_not(None), under(side, path), or_(*each))
                 .group_by(side))
        rows = db.session.execute(query).all()
        return [[(row[0], row[i + 1]) for row in rows if row[i + 1]] for i in range(len(flows))]


_tr = TransitionRecord
for _name, _trig in (("listed", "list"), ("visited", "visit"), ("submitted", "submit"), ("approved", "approve"),
                     ("moved_out", "move_out"), ("contacted", "contact"), ("reconnected", "reconnect"),
                     ("closed", "close"), ("sent_back", "send_back")):
    MEASURES[_name] = Flow(_tr.trigger == _trig, doc=f"Cases with a {_trig!r} row in the period.")
MEASURES["handovers_proposed"] = Flow(_tr.trigger == "hand_over", side="from_path")
MEASURES["handovers_rejected"] = Flow(_tr.trigger == "reject", side="from_path")
MEASURES["became_lost"] = Flow(_tr.to_state == "lost", _tr.from_state != "lost")
MEASURES["handovers_in"] = Flow(_tr.trigger == "accept", _tr.from_path != _tr.org_path,
                                doc="Accepted into the unit: counted on the receiving side only.")
MEASURES["handovers_out"] = Flow(
    _tr.trigger.in_(("accept", "record_receipt")), side="from_path",
    doc="Left the unit by an accepted handover or a receipt from outside: counted on the sending side.")
MEASURES["resettled"] = Flow(_tr.to_state == "resettled", _tr.from_state != "resettled", side="from_path")
MEASURES["transferred"] = Flow(_tr.to_state == "transferred", _tr.from_state != "transferred", side="from_path")


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


from workflow.reports.monthly import people_measures  # noqa: E402,F401  (registers households and 流动党员)
