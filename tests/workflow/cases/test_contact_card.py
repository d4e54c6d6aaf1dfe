"""The contact card names the person's own branch (or community 党总支) and its secretary."""

import pytest

from workflow.cases import registration
from workflow.db import db
from workflow.member.page import contacts

# (unit the case sits at, 组织关系 unit or None, the branch the card must name)
LEVELS = [
    ("绿苑社区党总支", None, "绿苑社区党总支"),
    ("绿苑社区党总支", "白云街道党工委", "绿苑社区党总支"),
    ("绿苑小区楼院党支部", None, "绿苑小区楼院党支部"),
    ("绿苑1号楼党小组", None, "绿苑小区楼院党支部"),
    ("绿苑社区党总支", "机务段家属院党支部", "机务段家属院党支部"),
    ("绿苑社区党总支", "清江花园3号楼党小组", "清江花园楼院党支部"),
    ("在京务工创业人员党支部", None, "在京务工创业人员党支部"),
    ("丰台花乡流动党小组", None, "在京务工创业人员党支部"),
    ("绿苑小区楼院党支部", "丰台花乡流动党小组", "在京务工创业人员党支部"),
]


@pytest.mark.parametrize(("at", "relation", "branch"), LEVELS)
def test_the_card_names_the_persons_own_branch_and_its_secretary(make, at, relation, branch, backend):
    case = make.case("visited", unit=at, worker="demo-supervisor")
    if relation:
        registration.record(case, "org_relation", make.user("demo-supervisor"),
                            org_unit_id=make.unit(relation).id)
        db.session.commit()
    facts = registration.card_facts(case)
    expected = make.unit(branch)
    assert facts["branch"].name == branch
    assert (facts["branch"].secretary_name, facts["branch"].secretary_phone) == \
        (expected.secretary_name, expected.secretary_phone)
    # The member's own page shows the same branch and secretary as the card.
    shown = contacts(case)
    assert (shown.branch, shown.secretary, shown.secretary_phone) == \
        (branch, expected.secretary_name, expected.secretary_phone)


def test_a_relation_outside_the_system_is_named_by_its_note_without_a_secretary(make, backend):
    case = make.case("visited", worker="demo-supervisor")
    registration.record(case, "org_relation", make.user("demo-supervisor"), org_note="商丘市某企业党支部")
    db.session.commit()
    facts = registration.card_facts(case)
    assert facts["branch"] is None and facts["branch_note"] == "商丘市某企业党支部"
    assert contacts(case).secretary is None
