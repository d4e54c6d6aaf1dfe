"""The shape of a synthetic district: streets, communities, branches, groups, users.

About 2,500 cases per community, eight communities per street, one mobile branch
(in another city) per street, as in the seed article's four-level network.
"""

import math
from dataclasses import dataclass, field
from datetime import date

from werkzeug.security import generate_password_hash

STREETS = ["白云", "平原", "中州", "东风", "建设", "八八", "水池铺", "刘口", "观堂", "李庄",
           "解放", "新城", "古城", "谢集", "双八", "孙福集"]
COMMUNITIES = ["绿苑", "清江", "前程", "金桥", "春晖", "和平", "文化", "长征", "凯旋", "神火",
               "华商", "民主", "团结", "胜利", "光明", "幸福", "红旗", "花园", "振兴", "工农"]
CITIES = ["北京", "上海", "深圳", "广州", "郑州", "杭州", "苏州", "天津"]
PROJECT_KINDS = [("高铁站片区拆迁", "rail"), ("棚户区改造", "shanty"), ("产业集聚区", "industrial")]
UNIT_COLUMNS = ("id", "parent_id", "kind", "name", "path", "city", "secretary_name", "secretary_phone", "webhook_url")
USER_COLUMNS = ("id", "username", "display_name", "password_hash", "role", "org_unit_id", "phone", "email",
                "active", "created_at")
PROJECT_COLUMNS = ("id", "name", "kind", "org_unit_id", "started_on")
CASES_PER_COMMUNITY = 2500
COMMUNITIES_PER_STREET = 8


@dataclass
class Unit:
    id: int
    kind: str
    name: str
    path: str
    parent: "Unit | None" = None
    community: "Unit | None" = None  # the community (or mobile branch) it belongs to
    workers: list = field(default_factory=list)  # user ids acting for this community
    supervisors: list = field(default_factory=list)


def _name(names, i):
    base = names[i % len(names)]
    return base if i < len(names) else f"{base}{i // len(names) + 1}"


class District:
    """Build the org tree, users and projects as rows, and keep lookups for cases."""

    def __init__(self, cases, synth, password, now):
        self.synth, self.now = synth, now
        self.password_hash = generate_password_hash(password)  # once: hashing is slow
        self.units, self.unit_rows, self.users, self.projects = [], [], [], []
        self.homes = []  # units that hold cases: branches and groups
        self.communities = []  # communities and mobile branches: they own workers
        self.projects_by_street = {}
        count = max(2, min(400, round(cases / CASES_PER_COMMUNITY)))
        for s in range(math.ceil(count / COMMUNITIES_PER_STREET)):
            street = self._unit("street", f"{_name(STREETS, s)}街道党工委", None)
            self._user(f"s{s + 1}-supervisor", "supervisor", street)
            if s == 0:
                self._user("bench-admin", "admin", street)
            self._projects(street)
            first = s * COMMUNITIES_PER_STREET
            for c in range(first, min(count, first + COMMUNITIES_PER_STREET)):
                self._community(street, c)
            self._mobile(street, s)

    def _unit(self, kind, name, parent, city=None):
        unit_id = len(self.units) + 1
        path = (parent.path if parent else "/") + f"{unit_id}/"
        unit = Unit(unit_id, kind, name, path, parent)
        unit.community = parent.community if parent and parent.community else None
        self.units.append(unit)
        self.unit_rows.append((unit_id, parent.id if parent else None, kind, name, path, city,
                               self.synth.name(), self.synth.mobile(), None))
        return unit

    def _user(self, username, role, unit):
        user_id = len(self.users) + 1
        self.users.append((user_id, username, f"{username}", self.password_hash, role, unit.id,
                           self.synth.mobile(), f"{username}@example.invalid", True, self.now))
        if role in ("worker", "secretary"):
            unit.workers.append(user_id)
        elif role == "supervisor":
            unit.supervisors.append(user_id)
        return user_id

    def _projects(self, street):
        rows = []
        for title, kind in PROJECT_KINDS:
            project_id = len(self.projects) + 1
            rows.append(project_id)
            self.projects.append((project_id, f"{street.name[:-5]}{title}", kind, street.id, date(2026, 3, 1)))
        self.projects_by_street[street.id] = rows

    def _community(self, street, c):
        community = self._unit("community", f"{_name(COMMUNITIES, c)}社区党总支", street)
        community.community = community
        self.communities.append(community)
        self._user(f"c{c + 1}-worker1", "worker", community)
        self._user(f"c{c + 1}-worker2", "worker", community)
        self._user(f"c{c + 1}-supervisor", "supervisor", community)
        for b in range(3):
            branch = self._unit("courtyard_branch", f"{community.name[:-5]}{b + 1}号院党支部", community)
            self.homes.append(branch)
            for g in range(3):
                self.homes.append(self._unit("building_group", f"{branch.name[:-3]}{g + 1}号楼党小组", branch))

    def _mobile(self, street, s):
        city = CITIES[s % len(CITIES)]
        short = street.name[:-5]
        branch = self._unit("mobile_branch", f"{short}在{city}务工创业人员党支部", street, city)
        branch.community = branch
        self.communities.append(branch)
        self._user(f"m{s + 1}-secretary", "secretary", branch)
        for g in range(2):
            self.homes.append(self._unit("mobile_group", f"{short}{city}{g + 1}流动党小组", branch, city))

    def street_of(self, unit):
        while unit.parent is not None:
            unit = unit.parent
        return unit

    def supervisor_for(self, unit):
        """The community supervisor, or the street's when the unit has none."""
        return (unit.community.supervisors or self.street_of(unit).supervisors)[0]
