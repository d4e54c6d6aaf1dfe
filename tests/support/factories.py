"""Test data helpers (gen_* style): synthetic people walked to any state by the engine."""

import base64

from sqlalchemy import select

from workflow.db import db
from workflow.demo.district import Walker, seed_base
from workflow.demo.synthetic import Synth
from workflow.models import OrgUnit, Project, User

PASSWORD = "Test-pass-2026"
TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key",
    "PII_KEY": base64.b64encode(b"k" * 32).decode(),
    "WTF_CSRF_ENABLED": False,
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # cheap: the suite logs in hundreds of times
}


class Factory:
    """Make cases and look up the base data of the test database by name."""

    _seed = 0

    def __init__(self, app):
        self.app = app
        Factory._seed += 1
        self.synth = Synth(1000 + Factory._seed)

    @staticmethod
    def seed_base():
        seed_base(Synth(1), PASSWORD)

    def user(self, username):
        return db.session.scalar(select(User).where(User.username == username))

    def unit(self, name):
        return db.session.scalar(select(OrgUnit).where(OrgUnit.name == name))

    def project(self, index=0):
        return db.session.scalars(select(Project).order_by(Project.id)).all()[index]

    def units(self):
        return {u.name: u for u in db.session.scalars(select(OrgUnit))}

    def case(self, state="identified", unit="绿苑小区楼院党支部", worker="demo-worker",
             supervisor="demo-supervisor", member=True, project=0):
        """Return a new case carried to state, every step happening now."""
        walker = Walker(self.synth, self.user(worker), self.user(supervisor), self.units(), spread=False)
        return walker.walk(self.project(project), self.unit(unit), state, member=member)

    def complete_registration(self, case, worker="demo-worker"):
        """Fill the 五必登 and the card and group of a case (三个一 but the visit)."""
        walker = Walker(self.synth, self.user(worker), None, self.units(), spread=False)
        walker.t = case.state_entered_at
        walker.register(case)

    def id_number(self):
        return self.synth.id_number()

    def mobile(self):
        return self.synth.mobile()


def add_user(username, role, unit, display_name=None):
    """Add a user without a usable password (fast: no hashing)."""
    user = User(username=username, display_name=display_name or username, role=role,
                org_unit_id=unit.id, password_hash="!")
    db.session.add(user)
    db.session.commit()
    return user


def roster_bytes(rows, kind="xlsx", header=("姓名", "身份证号", "所属组织", "手机号码", "是否党员", "原住址"),
                 title=None, encoding="utf-8-sig"):
    """Return a 摸底名单 file (.xlsx or .csv) with a header row and the given rows."""
    import csv
    import io

    from openpyxl import Workbook

    table = ([[title]] if title else []) + [list(header)] + [list(r) for r in rows]
    if kind == "csv":
        text = io.StringIO()
        csv.writer(text).writerows(table)
        return text.getvalue().encode(encoding)
    book = Workbook()
    for line in table:
        book.active.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
