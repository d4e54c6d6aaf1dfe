"""A demo district shaped like the seed article: 白云街道, its communities and branches,
a 流动党支部 in 北京, and synthetic people walked through the process by the engine."""

from datetime import date, timedelta

from sqlalchemy import select

from workflow.cases import services
from workflow.db import db, utcnow
from workflow.demo.synthetic import Synth
from workflow.households import members
from workflow.mobility import certificates, situations
from workflow.mobility.clocks import add_months
from workflow.models import OrgUnit, Project, User
from workflow.process.engine import get_engine

TREE = [
    # (name, kind, parent name, city)
    ("白云街道党工委", "street", None, None),
    ("绿苑社区党总支", "community", "白云街道党工委", None),
    ("绿苑小区楼院党支部", "courtyard_branch", "绿苑社区党总支", None),
    ("绿苑1号楼党小组", "building_group", "绿苑小区楼院党支部", None),
    ("绿苑2号楼党小组", "building_group", "绿苑小区楼院党支部", None),
    ("机务段家属院党支部", "courtyard_branch", "绿苑社区党总支", None),
    ("清江社区党总支", "community", "白云街道党工委", None),
    ("清江花园楼院党支部", "courtyard_branch", "清江社区党总支", None),
    ("清江花园3号楼党小组", "building_group", "清江花园楼院党支部", None),
    ("前程社区党总支", "community", "白云街道党工委", None),
    ("机械厂家属院党支部", "courtyard_branch", "前程社区党总支", None),
    ("机械厂5号楼党小组", "building_group", "机械厂家属院党支部", None),
    ("在京务工创业人员党支部", "mobile_branch", "白云街道党工委", "北京"),
    ("丰台花乡流动党小组", "mobile_group", "在京务工创业人员党支部", "北京"),
]

USERS = [
    # (username, display name, role, unit)
    ("demo-worker", "王晓红", "worker", "绿苑社区党总支"),
    ("demo-supervisor", "李建国", "supervisor", "白云街道党工委"),
    ("demo-admin", "赵敏", "admin", "白云街道党工委"),
    ("lvyuan-supervisor", "陈志强", "supervisor", "绿苑社区党总支"),
    ("qingjiang-worker", "刘芳", "worker", "清江社区党总支"),
    ("qiancheng-worker", "张伟", "worker", "前程社区党总支"),
    ("beijing-secretary", "田浩玉", "secretary", "在京务工创业人员党支部"),
]

PROJECTS = [
    ("商丘高铁站片区拆迁", "rail"),
    ("绿苑棚户区改造", "shanty"),
    ("产业集聚区二期", "industrial"),
]

# The order a case walks; each person stops at one of these (weights roughly as in a
# district some months into a project).
PATH = ["identified", "visited", "in_review", "registered", "following", "lost",
        "handover", "received", "resettled", "transferred", "closed"]
WEIGHTS = [12, 12, 8, 10, 28, 3, 6, 3, 7, 4, 8]
LATE_SHARE = 0.15  # of the demo's cases, the ones with a long (mostly late) history
# People per household (户) and how often each size occurs: about 2.7 people a household.
HOUSEHOLD_SIZES = [1, 2, 3, 4, 5, 6]
HOUSEHOLD_WEIGHTS = [22, 30, 22, 13, 8, 5]


def build_tree(synth):
    units = {}
    for name, kind, parent, city in TREE:
        unit = OrgUnit(name=name, kind=kind, parent=units.get(parent), city=city,
                       secretary_name=synth.name(), secretary_phone=synth.mobile())
        db.session.add(unit)
        db.session.flush()
        unit.set_path()
        units[name] = unit
    return units


def seed_base(synth, password):
    """Create the org tree, the demo accounts and the projects; return them by name."""
    units = build_tree(synth)
    users = {}
    for username, display, role, unit in USERS:
        user = User(username=username, display_name=display, role=role, org_unit=units[unit],
                    phone=synth.mobile(), email=f"{username}@example.invalid")
        user.set_password(password)
        db.session.add(user)
        users[username] = user
    street = units["白云街道党工委"]
    projects = [Project(name=n, kind=k, org_unit=street, started_on=date(2026, 3, 1)) for n, k in PROJECTS]
    db.session.add_all(projects)
    db.session.commit()
    return units, users, projects


def seed_demo_data(people=300, seed=20261125, password="demo"):
    """Create the demo district; return {state: count}."""
    synth = Synth(seed)
    units, users, projects = seed_base(synth, password)
    workers = {
        "绿苑社区党总支": users["demo-worker"], "清江社区党总支": users["qingjiang-worker"],
        "前程社区党总支": users["qiancheng-worker"], "在京务工创业人员党支部": users["beijing-secretary"],
    }
    homes = [u for u in units.values() if u.kind in ("courtyard_branch", "building_group", "mobile_group")]
    summary, listed = {}, 0
    away = Synth(seed + 1)  # its own random stream: the rest of the demo stays as it was
    while listed < people:
        # A family at one door: its members in one unit and project, each walked on their own.
        size = min(people - listed, synth.rng.choices(HOUSEHOLD_SIZES, HOUSEHOLD_WEIGHTS)[0])
        unit, project = synth.rng.choice(homes), synth.rng.choice(projects)
        community = next(units[n] for n in workers if unit.path.startswith(units[n].path))
        walker = Walker(synth, workers[community.name], users["demo-supervisor"], units)
        family = [walker.walk(project, unit, synth.rng.choices(PATH, WEIGHTS)[0]) for _ in range(size)]
        household = members.create_household(users["demo-supervisor"], family[0],
                                              number=f"{project.id}-{listed + 1:05d}" if size > 1 else None,
                                              now=family[0].created_at)  # listed with its 户主
        for case in family[1:]:
            members.add_member(users["demo-supervisor"], household, case)
        for case in family:
            summary[case.state] = summary.get(case.state, 0) + 1
            if case.person.is_party_member and case.state in ("following", "lost") and away.rng.random() < 0.5:
                walker.move_away(case, away)  # a 流动党员: working in another city, some with a 活动证
        listed += size
    return summary


class Walker:
    """Carry one synthetic person through the process up to a target state."""

    def __init__(self, synth, worker, supervisor, units, spread=True):
        self.synth, self.worker, self.supervisor, self.units = synth, worker, supervisor, units
        self.spread = spread  # False: every step happens now (tests want exact deadlines)
        self.engine = get_engine()

    def step(self, low, high):
        if not self.spread:
            self.t = utcnow()
            return self.t
        self.t += timedelta(days=self.synth.rng.randint(low, high), hours=self.synth.rng.randint(0, 8))
        return min(self.t, utcnow() - timedelta(minutes=5))

    def walk(self, project, unit, target, member=None):
        """List a new person and carry the case to target; return the case."""
        rng = self.synth.rng
        stop = PATH.index(target)
        # A district at work: most cases started recently enough to be on time; a share
        # (LATE_SHARE) has a long history and is mostly late, as some always are.
        late = rng.random() < LATE_SHARE
        if late:
            span = (stop * 12 + 3, stop * 25 + 40)
        elif target == "following":  # followed for months, in rhythm: the link-health trend
            span = (120, 200)
        else:  # a recent start: the steps crowd into the last days, the deadline still ahead
            span = (1, stop + 3)
        self.t = utcnow() - timedelta(days=rng.randint(*span))
        if not self.spread:
            self.t = utcnow()
        if member is None:
            member = rng.random() < 0.45
        case = services.list_person(
            self.worker, project=project, org_unit=unit, name=self.synth.name(),
            id_number=self.synth.id_number(), is_party_member=member, now=self.t,
        )
        if stop >= 1:
            self.visit(case)
        if stop >= 2:
            self.register(case)
            self.engine.fire(case, "submit", self.worker, now=self.step(0, 3))
        if stop >= 3:
            self.engine.fire(case, "approve", self.supervisor, now=self.step(1, 3))
        if stop >= 4 and target != "handover":
            self.engine.fire(case, "move_out", self.worker, now=self.step(1, 20))
            for _ in range(rng.randint(0, 3)):
                self.follow(case, "reached")
            while self.spread and not late and target == "following" and self.t < utcnow() - timedelta(days=24):
                self.follow(case, "reached", (18, 28))
        if target == "lost":
            for _ in range(3):
                self.follow(case, "not_reached")
        if target in ("handover", "received", "resettled", "transferred", "closed"):
            receiver = self.hand_over(case, target)
        if target == "closed":
            self.engine.fire(case, "close", receiver, now=self.step(1, 10))
        return case

    def move_away(self, case, synth):
        """Register the member as away long-term (流动) after moving out; half get a 活动证."""
        rng = synth.rng
        now = min(case.state_entered_at + timedelta(days=rng.randint(2, 30)), utcnow() - timedelta(minutes=5))
        since = (now + timedelta(hours=8)).date()  # the Shanghai day
        city = synth.city()
        province = "北京" if case.org_path.startswith(self.units["在京务工创业人员党支部"].path) else "外省"
        situations.set_situation(case, self.worker, situation="long", since=since, dest_province=province,
                                 dest_city=city, now=now)
        if rng.random() < 0.5:
            months = rng.choice([6, 12])
            certificates.issue(case, self.worker, number=f"HDZ-{case.id:05d}", issued_on=since,
                               expires_on=add_months(since, months), duration_months=months, reason="外出务工",
                               dest_province=province, dest_city=city, now=now)

    def visit(self, case):
        services.record_visit(case, self.worker, contacted_at=self.step(0, 6), outcome="reached",
                              met_with=case.person.name, notes="入户了解搬迁意向", now=self.t)

    def register(self, case):
        s, now = self.synth, self.step(0, 4)
        services.save_registration(case, self.worker, {
            "original_address": {"address": s.address()},
            "destination_address": {"address": s.address(), "address_kind": "transitional"},
            "contact": {"phone": s.mobile(), "backup_name": s.name(), "backup_phone": s.mobile()},
            "workplace": {"workplace": s.workplace(), "work_city": s.city()},
            "org_relation": {"org_unit_id": case.org_unit_id},
        }, now=now)
        services.issue_card(case, self.worker, now=now)
        services.join_group(case, self.worker, f"{case.org_unit.name}联络群", now)

    def follow(self, case, outcome, days=(5, 40)):
        now = self.step(*days)
        services.record_follow_up(case, self.worker, kind=self.synth.rng.choice(["phone", "wechat", "visit"]),
                                  outcome=outcome, contacted_at=now, now=now)

    def hand_over(self, case, target):
        receivers = [u for u in self.units.values()
                     if u.kind == "community" and not case.org_path.startswith(u.path)]
        to_unit = self.synth.rng.choice(receivers)
        kind = "transfer" if target == "transferred" else "resettle"
        self.engine.fire(case, "hand_over", self.worker, kind=kind, to_unit=to_unit,
                         now=self.step(1, 10))
        if target != "handover":
            receiver = db.session.scalar(
                select(User).where(User.org_unit_id == to_unit.id, User.role == "worker")
            ) or self.supervisor
            self.engine.fire(case, "accept", receiver, now=self.step(1, 5))
            if target != "received":
                self.settle_in(case, receiver, to_unit)
            return receiver
        return None

    def settle_in(self, case, receiver, unit):
        """The receiving unit's first tasks: reach the person, add them to its group."""
        now = self.step(0, 4)
        services.record_follow_up(case, receiver, kind="phone", outcome="reached", contacted_at=now, now=now)
        services.join_group(case, receiver, f"{unit.name}联络群", now, now=now)
        self.engine.fire(case, "settle_in", receiver, now=now)
