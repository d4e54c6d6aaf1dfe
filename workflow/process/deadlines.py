"""Compute a case's next deadline from the definition; stored on the case, indexed."""

from datetime import timedelta


def next_deadline(definition, case):
    """Return (due_at, kind) for the case's current state, or (None, None)."""
    state = definition.states[case.state]
    candidates = []
    if state.deadline_days is not None:
        candidates.append((case.state_entered_at + timedelta(days=state.deadline_days), case.state))
    if state.rhythm:
        base = _rhythm_base(case)
        if base is not None:
            kind = "party_member" if case.person.is_party_member else "resident"
            candidates.append((base + timedelta(days=definition.rhythm[kind]), "follow_up"))
    if not candidates:
        return None, None
    return min(candidates, key=lambda pair: pair[0])


def _rhythm_base(case):
    """The follow-up clock runs from the later of the move and the last contact."""
    times = [t for t in (case.moved_out_at, case.last_contact_at) if t is not None]
    return max(times) if times else None


def refresh(definition, case):
    """Store the next deadline on the case."""
    case.next_due_at, case.due_kind = next_deadline(definition, case)
