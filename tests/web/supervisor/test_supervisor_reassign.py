"""Reassign one or many cases to another worker of the subtree; the history shows it."""

import re

import pytest
from sqlalchemy import select

from tests.support.factories import add_user
from workflow.cases import reassign
from workflow.db import db
from workflow.errors import NotAllowed
from workflow.models import TransitionRecord


@pytest.fixture
def courtyard_worker(make):
    return add_user("lvyuan-courtyard", "worker", make.unit("绿苑小区楼院党支部"), display_name="孙丽")


def _moves(case):
    return db.session.scalars(
        select(TransitionRecord).where(TransitionRecord.case_id == case.id, TransitionRecord.trigger == "reassign")
    ).all()


def test_reassign_many_moves_each_case_and_writes_history(client, auth, make, courtyard_worker):
    a, b = make.case("identified"), make.case("following")
    auth.login("lvyuan-supervisor")
    page = client.post("/supervisor/cases/reassign", data={
        "case_id": [a.id, b.id], "to_worker": courtyard_worker.id, "note": "王晓红休假",
        "unit": make.unit("绿苑社区党总支").id,
    }, follow_redirects=True).get_data(as_text=True)
    assert "已将2件改派给孙丽" in page
    for case, state in ((a, "identified"), (b, "following")):
        db.session.refresh(case)
        assert case.worker_id == courtyard_worker.id and case.state == state
        [move] = _moves(case)
        assert (move.from_state, move.to_state) == (state, state)
        assert move.actor.username == "lvyuan-supervisor"
        assert move.reason == "责任人改派：王晓红 → 孙丽；王晓红休假"
        assert move.data == {"from_worker_id": make.user("demo-worker").id, "to_worker_id": courtyard_worker.id}
    case_page = client.get(f"/cases/{a.id}").get_data(as_text=True)
    assert "责任人改派：王晓红 → 孙丽" in case_page and "孙丽" in case_page


def test_a_worker_who_cannot_see_the_case_is_refused_per_case(client, auth, make, courtyard_worker):
    inside = make.case("identified")
    elsewhere = make.case("identified", unit="机务段家属院党支部")
    auth.login("lvyuan-supervisor")
    page = client.post("/supervisor/cases/reassign", data={
        "case_id": [inside.id, elsewhere.id], "to_worker": courtyard_worker.id,
    }, follow_redirects=True).get_data(as_text=True)
    assert "已将1件改派给孙丽" in page
    assert f"{elsewhere.person.name}：孙丽所在组织看不到该案件，不能负责" in page
    db.session.refresh(elsewhere)
    assert elsewhere.worker.username == "demo-worker" and _moves(elsewhere) == []


def test_missing_worker_is_named_and_the_ticks_are_kept(client, auth, make):
    case = make.case("identified")
    auth.login("lvyuan-supervisor")
    response = client.post("/supervisor/cases/reassign", data={"case_id": [case.id], "to_worker": "", "note": "急"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "请选择新的责任人" in page and 'value="急"' in page
    assert re.search(rf'value="{case.id}" form="reassign-form"\s+checked', page)
    db.session.refresh(case)
    assert _moves(case) == []


def test_nothing_ticked_is_refused(client, auth, make, courtyard_worker):
    auth.login("lvyuan-supervisor")
    response = client.post("/supervisor/cases/reassign", data={"to_worker": courtyard_worker.id})
    assert response.status_code == 400 and "请先勾选要改派的案件" in response.get_data(as_text=True)


def test_sibling_cases_and_workers_are_out_of_reach(client, auth, make, courtyard_worker):
    sibling = make.case("identified", unit="清江花园楼院党支部", worker="qingjiang-worker")
    mine = make.case("identified")
    auth.login("lvyuan-supervisor")
    page = client.post("/supervisor/cases/reassign", data={
        "case_id": [sibling.id], "to_worker": courtyard_worker.id}, follow_redirects=True).get_data(as_text=True)
    assert f"#{sibling.id}：没有找到该案件" in page and sibling.person.name not in page
    # A worker of the sibling community is not a choice at all.
    response = client.post("/supervisor/cases/reassign", data={
        "case_id": [mine.id], "to_worker": make.user("qingjiang-worker").id})
    assert response.status_code == 400
    assert "qingjiang" not in re.search(r'<select[^>]*name="to_worker".*?</select>', response.get_data(as_text=True), re.S).group(0)
    db.session.refresh(mine)
    assert mine.worker.username == "demo-worker"


def test_service_refuses_same_worker_and_non_supervisors(app, make, courtyard_worker):
    case = make.case("identified")
    with pytest.raises(NotAllowed, match="已是该案件的责任人"):
        reassign.reassign(case, make.user("demo-worker"), make.user("lvyuan-supervisor"))
    with pytest.raises(NotAllowed, match="只有督导可以改派案件"):
        reassign.reassign(case, courtyard_worker, make.user("demo-worker"))
    with pytest.raises(NotAllowed, match="请选择本辖区内的社区工作者"):
        reassign.reassign(case, make.user("demo-supervisor"), make.user("lvyuan-supervisor"))


def test_assignees_are_workers_of_the_subtree(app, make, courtyard_worker):
    names = [u.username for u in reassign.assignees(make.user("lvyuan-supervisor"))]
    assert names == ["demo-worker", "lvyuan-courtyard"]
    street = {u.username for u in reassign.assignees(make.user("demo-supervisor"))}
    assert street == {"demo-worker", "lvyuan-courtyard", "qingjiang-worker", "qiancheng-worker", "beijing-secretary"}
