"""Roster import with households: a 户号 or 户主身份证号 column groups rows into one household each."""

from sqlalchemy import select

from tests.support.factories import roster_bytes
from workflow.db import db
from workflow.models import Case, Household, HouseholdMember, Person
from workflow.roster import importer

HEADER = ("姓名", "身份证号", "所属组织", "是否党员", "原住址", "户号", "户主身份证号")
UNIT = "绿苑小区楼院党支部"


def _import(make, rows, header=HEADER):
    data = roster_bytes(rows, header=header)
    viewer, worker = make.user("lvyuan-supervisor"), make.user("demo-worker")
    preview = importer.check("名单.xlsx", data, make.project(0), viewer, worker)
    if not preview.clean:
        return preview
    importer.confirm(importer.stage("名单.xlsx", data, make.project(0), viewer, worker, preview), viewer)
    return preview


def _families():
    rows = db.session.execute(
        select(Household.number, Person.name, HouseholdMember.is_head)
        .join(HouseholdMember, HouseholdMember.household_id == Household.id)
        .join(Case, Case.id == HouseholdMember.case_id).join(Person, Person.id == Case.person_id)
        .order_by(Household.id, HouseholdMember.id)).all()
    out = {}
    for number, name, is_head in rows:
        out.setdefault(number, []).append(name + ("*" if is_head else ""))
    return out


def test_rows_of_one_number_or_one_head_become_one_household(make):
    a, b, c, d, e = (make.id_number() for _ in range(5))
    preview = _import(make, [
        ["张父", a, UNIT, "是", "平原路1号", "LY-01", ""],
        ["张子", b, UNIT, "否", "", "LY-01", a],
        ["李母", c, UNIT, "否", "平原路2号", "", c],
        ["李女", d, UNIT, "否", "", "", c],
        ["王单", e, UNIT, "否", "", "", ""],
    ])
    assert preview.clean
    assert _families() == {"LY-01": ["张父*", "张子"], None: ["李母*", "李女"]}
    household = db.session.scalar(select(Household).where(Household.number == "LY-01"))
    assert household.original_address == "平原路1号"


def test_a_head_not_in_the_household_or_a_wrong_head_id_is_the_rows_error(make):
    a, b, c = (make.id_number() for _ in range(3))
    preview = _import(make, [
        ["张父", a, UNIT, "是", "", "LY-02", b],
        ["李母", c, UNIT, "否", "", "", "110101199003071234x"],
    ])
    errors = {row.name: row.errors for row in preview.rows}
    assert errors["张父"] == ["户主身份证号不在本户的行中"]
    assert errors["李母"] and errors["李母"][0].startswith("户主身份证号：")
    assert db.session.scalar(select(Household.id)) is None


def test_a_number_the_project_has_joins_that_household(make):
    a, b = make.id_number(), make.id_number()
    _import(make, [["张父", a, UNIT, "是", "平原路1号", "LY-03", ""]])
    _import(make, [["张孙", b, UNIT, "否", "", "LY-03", ""]])
    assert _families() == {"LY-03": ["张父*", "张孙"]}


def test_a_roster_without_household_columns_makes_no_households(make):
    _import(make, [["张三", make.id_number(), UNIT, "是", "平原路1号"]], header=HEADER[:5])
    assert db.session.scalar(select(HouseholdMember.id)) is None
