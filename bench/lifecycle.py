"""One synthetic case's life as rows: what the engine would have written, step by step.

The steps and effects mirror workflow/demo.py's Walker and workflow/effects.py; the
deadline comes from workflow.deadlines.next_deadline, so stored columns agree with
what the engine computes. Times are naive UTC (the stored form).
"""

from datetime import timedelta
from types import SimpleNamespace

from workflow.demo.district import PATH
from workflow.process.deadlines import next_deadline

CONTACT_COLUMNS = ("id", "case_id", "kind", "outcome", "contacted_at", "met_with", "notes", "user_id",
                   "created_at")
ENTRY_COLUMNS = ("id", "case_id", "item", "is_current", "address", "address_kind", "phone", "backup_name",
                 "backup_phone", "workplace", "work_city", "org_unit_id", "org_note", "note", "source",
                 "recorded_at", "recorded_by_id")
HISTORY_COLUMNS = ("id", "case_id", "trigger", "from_state", "to_state", "actor_id", "at", "reason", "data",
                   "from_path", "org_path")
ITEMS = ("original_address", "destination_address", "contact", "workplace", "org_relation")
TIME_KEYS = ("state_entered_at", "visited_at", "card_issued_at", "group_joined_at", "moved_out_at", "last_contact_at",
             "created_at", "updated_at")
SEND_BACK_REASONS = ["工作单位填写不完整", "去向住址缺少门牌号", "备用联系人电话无法接通"]


class Life:
    """Collect the rows of one case while its steps are played."""

    def __init__(self, gen, case_id, person, unit, project_id, start):
        self.gen, self.rng, self.pools = gen, gen.rng, gen.pools
        self.t = start
        self.worker = self.rng.choice(unit.community.workers)
        self.person = person
        self.contacts, self.entries, self.history = [], [], []
        self.case = {
            "id": case_id, "person_id": person.id, "project_id": project_id, "org_unit_id": unit.id,
            "org_path": unit.path, "worker_id": self.worker, "state": "identified", "version": 1,
            "next_due_at": None, "due_kind": None, "state_entered_at": start, "visited_at": None,
            "card_issued_at": None, "group_joined_at": None, "group_name": None, "moved_out_at": None,
            "last_contact_at": None, "miss_count": 0, "last_reason": None, "handover_kind": None,
            "handover_to_unit_id": None, "handover_to_path": None, "handover_external": None,
            "handover_from_state": None, "receipt_number": None, "scanned_version": None, "scan_after": None,
            "created_at": start, "updated_at": start,
        }
        self.unit = unit
        self.fire("list", self.worker, to="identified", from_state="")

    def step(self, low, high):
        """Let some days pass, never beyond a few minutes before now."""
        self.t = min(self.t + timedelta(days=self.rng.randint(low, high), hours=self.rng.randint(0, 8)),
                     self.gen.now - timedelta(minutes=5))
        return self.t

    def fire(self, trigger, actor, to=None, reason=None, data=None, from_state=None, from_path=None):
        case = self.case
        before = case["state"] if from_state is None else from_state
        after = to or before
        if after != case["state"] or from_state == "":
            case["state_entered_at"] = self.t
        case["state"] = after
        case["updated_at"] = self.t
        # The unit before and after the row, as the engine writes them (a listing has no before).
        before_path = None if before == "" else (from_path or case["org_path"])
        self.history.append((self.gen.ids.next("transition_records"), case["id"], trigger, before, after,
                             actor, self.t, reason, data, before_path, case["org_path"]))

    def contact(self, kind, outcome, notes=None, met_with=None):
        contact_id = self.gen.ids.next("contact_logs")
        self.contacts.append((contact_id, self.case["id"], kind, outcome, self.t, met_with, notes,
                              self.worker, self.t))
        return contact_id

    def entry(self, item, current=True, source="registration", **values):
        self.entries.append((
            self.gen.ids.next("registration_entries"), self.case["id"], item, current,
            values.get("address"), values.get("address_kind"), values.get("phone"), values.get("backup_name"),
            values.get("backup_phone"), values.get("workplace"), values.get("work_city"),
            values.get("org_unit_id"), None, None, source, self.t, self.worker,
        ))

    # ---------------------------------------------------------------- steps

    def visit(self):
        self.step(0, 6)
        contact = self.contact("visit", "reached", "入户了解搬迁意向", self.person.name)
        self.case["visited_at"] = self.t
        self.fire("visit", self.worker, to="visited", data={"contact_id": contact})

    def register(self, items=ITEMS, card=True, group=True):
        p, rng = self.pools, self.rng
        self.step(0, 4)
        values = {
            "original_address": {"address": rng.choice(p.addresses)},
            "destination_address": {"address": rng.choice(p.addresses), "address_kind": "transitional"},
            "contact": {"phone": rng.choice(p.mobiles), "backup_name": rng.choice(p.names),
                        "backup_phone": rng.choice(p.mobiles)},
            "workplace": {"workplace": rng.choice(p.workplaces), "work_city": rng.choice(p.cities)},
            "org_relation": {"org_unit_id": self.unit.id},
        }
        for item in items:
            self.entry(item, **values[item])
        if card:
            self.case["card_issued_at"] = self.t
        if group:
            self.case["group_name"] = f"{self.unit.name}联络群"
            self.case["group_joined_at"] = self.t

    def review(self, supervisor):
        self.step(0, 3)
        self.fire("submit", self.worker, to="in_review")
        if self.rng.random() < 0.1:  # one round of send-back and resubmission
            self.step(1, 3)
            reason = self.rng.choice(SEND_BACK_REASONS)
            self.case["last_reason"] = reason
            self.fire("send_back", supervisor, to="visited", reason=reason)
            self.step(0, 3)
            self.fire("submit", self.worker, to="in_review")

    def follow(self, outcome):
        self.step(5, 40)
        contact = self.contact(self.rng.choice(["phone", "wechat", "visit"]), outcome)
        case = self.case
        if outcome == "reached":
            if self.rng.random() < 0.1:  # the person changed phones: a new 必登 entry, the old kept
                self._change_phone()
            trigger = "reconnect" if case["state"] == "lost" else "contact"
            case["miss_count"], case["last_contact_at"] = 0, self.t
            self.fire(trigger, self.worker, to="following", data={"contact_id": contact})
            return
        lost = case["miss_count"] + 1 >= self.gen.definition.settings.get("miss_limit", 3)
        case["miss_count"] += 1
        self.fire("miss", self.worker, to="lost" if lost else "following", data={"contact_id": contact})

    def _change_phone(self):
        for i, row in enumerate(self.entries):
            if row[2] == "contact" and row[3]:
                self.entries[i] = row[:3] + (False,) + row[4:]
                self.entry("contact", source="contact", phone=self.rng.choice(self.pools.mobiles),
                           backup_name=row[7], backup_phone=row[8])
                return

    def hand_over(self, kind, receiver_unit, accept, settle=True):
        case = self.case
        self.step(1, 10)
        case.update(handover_kind=kind, handover_to_unit_id=receiver_unit.id,
                    handover_to_path=receiver_unit.path, handover_from_state=case["state"])
        self.fire("hand_over", self.worker, to="handover", data={"kind": kind, "to_unit_id": receiver_unit.id})
        if not accept:
            return None
        self.step(1, 5)
        receiver = self.rng.choice(receiver_unit.workers)
        sender_path = case["org_path"]
        # As complete_handover: the kind is kept for settle_in, the old unit's group is left.
        case.update(org_unit_id=receiver_unit.id, org_path=receiver_unit.path, worker_id=receiver,
                    handover_to_unit_id=None, handover_to_path=None, handover_from_state=None,
                    handover_external=None, group_name=None, group_joined_at=None)
        self.fire("accept", receiver, to="received", from_path=sender_path)
        if settle:  # the receiving unit's first tasks: reach the person, add them to its group
            self.step(0, 4)
            self.worker = receiver
            contact = self.contact("phone", "reached")
            case["miss_count"], case["last_contact_at"] = 0, self.t
            self.fire("contact", receiver, data={"contact_id": contact})
            case["group_name"], case["group_joined_at"] = f"{receiver_unit.name}联络群", self.t
            self.fire("settle_in", receiver, to="resettled" if kind == "resettle" else "transferred")
        return receiver

    def finish(self, overdue=0.15):
        """Store the next deadline as workflow.deadlines computes it; return the case row.

        A working district is mostly on time: the whole timeline is shifted so that
        the deadline falls within its window ahead, or (share `overdue`) up to 30
        days behind. 失联 is due at once and stays overdue until reconnected.
        """
        case = self.case
        due, kind = self._deadline()
        if due is not None and case["state"] != "lost":
            window = max(1, (due - case["state_entered_at"]).days)
            ahead = -self.rng.uniform(0, 30) if self.rng.random() < overdue else self.rng.uniform(0, window)
            delta = min(self.gen.now + timedelta(days=ahead) - due, self.gen.now - timedelta(minutes=5) - self.t)
            self._shift(delta)
            due, kind = self._deadline()
        case["next_due_at"], case["due_kind"] = due, kind
        case["version"] = len(self.history)
        case["updated_at"] = max(r[6] for r in self.history)
        return case

    def _deadline(self):
        return next_deadline(self.gen.definition, SimpleNamespace(**self.case, person=self.person))

    def _shift(self, delta):
        """Move every time of the case by delta, keeping their order and gaps."""
        case = self.case
        for key in TIME_KEYS:
            if case[key] is not None:
                case[key] += delta
        self.contacts = [r[:4] + (r[4] + delta,) + r[5:8] + (r[8] + delta,) for r in self.contacts]
        self.entries = [r[:15] + (r[15] + delta,) + r[16:] for r in self.entries]
        self.history = [r[:6] + (r[6] + delta,) + r[7:] for r in self.history]


def play(life, target, supervisor, receivers):
    """Carry a case to target the way the demo walker does; return the Life."""
    rng = life.rng
    stop = PATH.index(target)
    if stop == 1 and rng.random() < 0.5:  # part of the 五必登 done on the visit
        life.visit()
        life.register(rng.sample(ITEMS, rng.randint(1, 4)), card=rng.random() < 0.5, group=False)
        return life
    if stop >= 1:
        life.visit()
    if stop >= 2:
        life.register()
        life.review(supervisor)
    if stop >= 3:
        life.step(1, 3)
        life.fire("approve", supervisor, to="registered")
    if stop >= 4 and target != "handover":
        life.step(1, 20)
        life.case.update(moved_out_at=life.t, miss_count=0)
        life.fire("move_out", life.worker, to="following")
        for _ in range(rng.randint(0, 3)):
            life.follow("reached")
    if target == "lost":
        for _ in range(3):
            life.follow("not_reached")
    if target in ("handover", "received", "resettled", "transferred", "closed"):
        kind = "transfer" if target == "transferred" else "resettle"
        receiver = life.hand_over(kind, receivers(life.unit), accept=target != "handover", settle=target != "received")
        if target == "closed":
            life.step(1, 10)
            life.fire("close", receiver, to="closed")
    return life
