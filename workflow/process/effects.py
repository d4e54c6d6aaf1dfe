"""Named effects: what a transition writes on the case, inside its transaction.

Notifications are not effects: they go through the outbox after commit.
"""

EFFECTS = {}


def effect(func):
    EFFECTS[func.__name__] = func
    return func


@effect
def stamp_visit(f):
    f.case.visited_at = f.data["contact"].contacted_at


@effect
def keep_reason(f):
    f.case.last_reason = f.reason


@effect
def start_following(f):
    f.case.moved_out_at = f.now
    f.case.miss_count = 0


@effect
def reset_misses(f):
    f.case.miss_count = 0
    f.case.last_contact_at = f.data["contact"].contacted_at


@effect
def count_miss(f):
    f.case.miss_count += 1


@effect
def open_handover(f):
    unit = f.data.get("to_unit")
    f.case.handover_kind = f.data["kind"]
    f.case.handover_to_unit_id = unit.id if unit else None
    f.case.handover_to_path = unit.path if unit else None
    f.case.handover_external = None if unit else f.data.get("external").strip()
    f.case.handover_from_state = f.from_state


@effect
def complete_handover(f):
    """Move the case, its history and its deadlines to the receiving subtree."""
    f.case.org_unit_id = f.case.handover_to_unit_id
    f.case.org_path = f.case.handover_to_path
    f.case.worker_id = f.data.get("worker_id") or (f.actor.id if f.actor.role == "worker" else None)
    _clear_handover(f.case, keep_kind=True)  # settle_in reads it: resettled or transferred
    # The person joins the receiving unit's own liaison group: one of its first tasks.
    f.case.group_name = None
    f.case.group_joined_at = None


@effect
def clear_handover(f):
    _clear_handover(f.case)


@effect
def close_external_handover(f):
    f.case.receipt_number = f.data["receipt_number"].strip()
    _clear_handover(f.case, keep_external=True)


def _clear_handover(case, keep_external=False, keep_kind=False):
    case.handover_to_unit_id = None
    case.handover_to_path = None
    case.handover_from_state = None
    if not keep_external:
        case.handover_external = None
        if not keep_kind:
            case.handover_kind = None
