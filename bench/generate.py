"""Build a realistic synthetic district fast, by bulk inserts (never the engine, row by row).

    generate(cases=100_000)    # inside an app context, on a migrated, empty database

Org tree, users and projects first (bench/district.py), then people and cases in
chunks: each case played through its life (bench/lifecycle.py) to a state drawn with
the demo's weights, its ID number encrypted by workflow.pii.id_columns, its deadline
computed by workflow.deadlines. Indexes are dropped for the load and rebuilt after.
Every party member who moved out has a current 流动 situation as the migration gives one
(MOBILITY_SHARES: mostly 本地, 1 in 40 长期外出 with a destination, a few abroad or away
short-term), so the 流动党员 benchmark reads a district's real mix.
"""

import random
import time
from collections import Counter
from datetime import timedelta
from types import SimpleNamespace

from sqlalchemy import func, select

from bench import district, lifecycle
from bench.sink import Sink
from workflow.db import db, utcnow
from workflow.demo.district import HOUSEHOLD_SIZES, HOUSEHOLD_WEIGHTS, PATH, WEIGHTS
from workflow.demo.synthetic import Synth
from workflow.models import OrgUnit
from workflow.privacy import pii
from workflow.privacy.identity import id_facts
from workflow.process.engine import get_engine

BIG_TABLES = ("people", "cases", "contact_logs", "registration_entries", "transition_records",
              "households", "household_members", "mobility_records")
# The situation of a party member who moved out: (name, share); the rest are 本地.
MOBILITY_SHARES = (("long", 0.025), ("abroad", 0.005), ("short", 0.01))
ENDED = ("transferred", "closed")
PEOPLE_COLUMNS = ("id", "name", "gender", "birth_date", "is_party_member", "id_cipher", "id_hash", "id_masked",
                  "id_last4", "reminder_opt_out", "created_at")
ROW_SHAPES = {
    "org_units": district.UNIT_COLUMNS,
    "users": district.USER_COLUMNS,
    "projects": district.PROJECT_COLUMNS,
    "people": PEOPLE_COLUMNS,
    "contact_logs": lifecycle.CONTACT_COLUMNS,
    "registration_entries": lifecycle.ENTRY_COLUMNS,
    "transition_records": lifecycle.HISTORY_COLUMNS,
    "households": ("id", "project_id", "org_unit_id", "org_path", "number", "original_address",
                   "destination_address", "destination_kind", "version", "created_at", "created_by_id"),
    "household_members": ("id", "household_id", "case_id", "is_head", "joined_at"),
    "mobility_records": ("id", "case_id", "situation", "since", "dest_province", "dest_city", "note", "is_current",
                         "source", "recorded_at", "recorded_by_id"),
}
DEFAULT_PASSWORD = "Bench-pass-2026"


class Ids:
    """Explicit primary keys, so child rows can point at parents without a round trip."""

    def __init__(self):
        self.last = Counter()

    def next(self, table):
        self.last[table] += 1
        return self.last[table]


class Pools:
    """Synthetic names, addresses, workplaces and phones, made once and drawn from."""

    def __init__(self, synth, size):
        self.names = [synth.name() for _ in range(size)]
        self.addresses = [synth.address() for _ in range(size)]
        self.workplaces = [synth.workplace() for _ in range(max(50, size // 4))]
        self.mobiles = [synth.mobile() for _ in range(size)]
        self.cities = ["北京", "上海", "郑州", "深圳", "杭州", "商丘"]


class Generator:
    def __init__(self, cases, seed=7, password=DEFAULT_PASSWORD, now=None, chunk=10_000):
        self.cases, self.chunk = cases, chunk
        self.now = (now or utcnow()).replace(tzinfo=None)  # naive UTC: the stored form
        self.synth = Synth(seed)
        self.rng = random.Random(seed)
        self.pools = Pools(self.synth, min(3000, max(100, cases)))
        self.ids = Ids()
        self.definition = get_engine().definition
        self.district = district.District(cases, self.synth, password, self.now)
        self.numbers = set()
        self.family = None  # the household being filled: (unit, project, its id, members still to come)
        self.households, self.members = [], []
        self.states = Counter()
        self.rows = Counter()

    def run(self):
        """Write the district; return a summary with row counts and the time taken."""
        started = time.perf_counter()
        sink = Sink(db.engine)
        try:
            if _has_rows(sink):
                raise RuntimeError("the benchmark generator needs an empty, migrated database")
            _check_shapes(sink)
            d = self.district
            for name, rows in (("org_units", d.unit_rows), ("users", d.users), ("projects", d.projects)):
                sink.write(name, rows)
                self.rows[name] += len(rows)
            sink.commit()
            dropped = sink.drop_indexes(BIG_TABLES)
            for first in range(0, self.cases, self.chunk):
                self._write_chunk(sink, min(self.chunk, self.cases - first))
                sink.commit()
            loaded = time.perf_counter()
            sink.create_indexes(dropped)
            sink.finish(["org_units", "users", "projects", *BIG_TABLES])
        finally:
            sink.close()
        done = time.perf_counter()
        return {"cases": self.cases, "states": dict(self.states), "rows": dict(self.rows),
                "seconds": round(done - started, 1), "load_seconds": round(loaded - started, 1),
                "backend": db.engine.dialect.name, "communities": len(d.communities), "units": len(d.units),
                "users": len(d.users), "now": self.now.isoformat() + "Z"}

    def _write_chunk(self, sink, count):
        people, cases, contacts, entries, history, mobility = [], [], [], [], [], []
        for _ in range(count):
            person = self._person()
            life = self._case(person)
            case = life.finish()
            if person.is_party_member and case["moved_out_at"] is not None and case["state"] not in ENDED:
                mobility.append(self._situation(case))
            people.append(person.row + (case["created_at"],))
            cases.append(case)
            contacts += life.contacts
            entries += life.entries
            history += life.history
            self.states[life.case["state"]] += 1
        columns = sink.columns("cases")
        households, members, self.households, self.members = self.households, self.members, [], []
        for name, rows in (("people", people), ("cases", [tuple(c[k] for k in columns) for c in cases]),
                           ("contact_logs", contacts), ("registration_entries", entries),
                           ("transition_records", history), ("households", households),
                           ("household_members", members), ("mobility_records", mobility)):
            sink.write(name, rows)
            self.rows[name] += len(rows)

    def _person(self):
        number = self.synth.id_number()
        while number in self.numbers:  # the id_hash is unique; a district is big enough to collide
            number = self.synth.id_number()
        self.numbers.add(number)
        birth, gender = id_facts(number)
        person_id = self.ids.next("people")
        member = self.rng.random() < 0.45
        name = self.rng.choice(self.pools.names)
        stored = pii.id_columns(number)
        row = (person_id, name, gender, birth, member, stored["id_cipher"], stored["id_hash"],
               stored["id_masked"], stored["id_last4"], False)  # created_at follows: the listing time
        return SimpleNamespace(id=person_id, name=name, is_party_member=member, row=row)

    def _case(self, person):
        rng, d = self.rng, self.district
        target = rng.choices(PATH, WEIGHTS)[0]
        stop = PATH.index(target)
        unit, project, household_id, head = self._household()
        start = self.now - timedelta(days=rng.randint(stop * 12 + 3, stop * 25 + 40))
        if head:  # the household is listed with its 户主
            self.households[-1] = (*self.households[-1][:9], start, None)
        case_id = self.ids.next("cases")
        self.members.append((self.ids.next("household_members"), household_id, case_id, head, start))
        life = lifecycle.Life(self, case_id, person, unit, project, start)
        return lifecycle.play(life, target, d.supervisor_for(unit), self._receiver)

    def _situation(self, case):
        """A current mobility record, as the migration or a worker would have written it."""
        draw, situation = self.rng.random(), "local"
        for name, share in MOBILITY_SHARES:
            if draw < share:
                situation = name
                break
            draw -= share
        since = (case["moved_out_at"] + timedelta(hours=8)).date()  # the Shanghai day
        province, city = (None, None)
        if situation == "abroad":
            province, city = "境外", self.rng.choice(["新加坡", "日本", "澳大利亚"])
        elif situation != "local":
            province, city = "外省", self.rng.choice(self.pools.cities)
        return (self.ids.next("mobility_records"), case["id"], situation, since, province, city, None, True,
                "migration" if situation == "local" else "worker", case["moved_out_at"], None)

    def _household(self):
        """(unit, project, household id, is head) of the next person: families of 1-6, about 2.7 on average."""
        d = self.district
        if self.family is None or self.family[3] == 0:
            unit = self.rng.choice(d.homes)
            project = self.rng.choice(d.projects_by_street[d.street_of(unit).id])
            size = self.rng.choices(HOUSEHOLD_SIZES, HOUSEHOLD_WEIGHTS)[0]
            household_id = self.ids.next("households")
            self.households.append((household_id, project, unit.id, unit.path, f"B{household_id:07d}",
                                    self.rng.choice(self.pools.addresses), None, None, 1, self.now, None))
            self.family = [unit, project, household_id, size]
            head = True
        else:
            head = False
        self.family[3] -= 1
        return self.family[0], self.family[1], self.family[2], head

    def _receiver(self, unit):
        """A community elsewhere in the district to hand the case over to."""
        while True:
            other = self.rng.choice(self.district.communities)
            if other.kind == "community" and other is not unit.community:
                return other


def _has_rows(sink):
    with db.engine.connect() as conn:
        return bool(conn.execute(select(func.count()).select_from(OrgUnit)).scalar())


def _check_shapes(sink):
    """Fail loudly if a model changed under the generator's tuples."""
    for name, shape in ROW_SHAPES.items():
        if tuple(sink.columns(name)) != shape:
            raise RuntimeError(f"bench/generate.py: columns of {name} changed; update its row tuples")


def generate(cases=100_000, seed=7, password=DEFAULT_PASSWORD, now=None, chunk=10_000):
    """Fill the current app's empty database with a district of this many cases."""
    return Generator(cases, seed, password, now, chunk).run()
