"""The review queue: approve one or several clean cases; send back with a required reason."""

import re

import pytest
from sqlalchemy import func, select

from scheduler import delivery
from workflow.cases import notices, review
from workflow.db import db, utcnow
from workflow.models import OutboxMessage, TransitionRecord


@pytest.fixture
def heard():
    """Return a function listing the sent-back notices queued in the outbox."""
    def queued():
        rows = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "sent_back").order_by(OutboxMessage.id))
        return [(m.case_id, m.user_id, m.title, m.body) for m in rows]
    return queued


def _history(case, trigger):
    return db.session.scalars(
        select(TransitionRecord).where(TransitionRecord.case_id == case.id, TransitionRecord.trigger == trigger)
    ).all()


def _listed(page):
    return [int(i) for i in re.findall(r'data-case-id="(\d+)"', page)]


def test_queue_lists_the_subtree_cases_in_review_longest_waiting_first(client, auth, make):
    first = make.case("in_review")
    second = make.case("in_review", unit="机务段家属院党支部")
    sibling = make.case("in_review", unit="清江花园楼院党支部", worker="qingjiang-worker")
    make.case("visited")
    auth.login("lvyuan-supervisor")
    page = client.get("/supervisor/review").get_data(as_text=True)
    assert _listed(page) == [first.id, second.id]
    assert sibling.person.name not in page
    assert "五必登、三个一齐全" in page and first.person.id_masked in page
    auth.login("demo-supervisor")
    assert set(_listed(client.get("/supervisor/review").get_data(as_text=True))) == {first.id, second.id, sibling.id}


def test_approve_one_moves_it_to_registered(client, auth, make):
    case = make.case("in_review")
    auth.login("lvyuan-supervisor")
    response = client.post("/supervisor/review/approve", data={"case_id": case.id}, follow_redirects=True)
    assert "已审核通过1件" in response.get_data(as_text=True)
    db.session.refresh(case)
    assert case.state == "registered"
    assert _history(case, "approve")[0].actor.username == "lvyuan-supervisor"


def test_batch_approve_reports_each_case(client, auth, make):
    clean = [make.case("in_review"), make.case("in_review")]
    unclean = make.case("in_review")
    unclean.card_issued_at = None  # the data changed under review: no longer clean
    done = make.case("registered")
    sibling = make.case("in_review", unit="清江花园楼院党支部", worker="qingjiang-worker")
    db.session.commit()
    auth.login("lvyuan-supervisor")
    ids = [c.id for c in clean] + [unclean.id, done.id, sibling.id]
    page = client.post("/supervisor/review/approve", data={"case_id": ids}, follow_redirects=True).get_data(as_text=True)
    assert "已审核通过2件" in page
    assert f"{unclean.person.name}：未通过检查：三个一：尚未发放联系卡" in page
    assert f"{done.person.name}：当前状态“已登记”不能执行“审核通过”" in page
    assert f"#{sibling.id}：没有找到该案件" in page and sibling.person.name not in page
    for case in clean + [unclean, done, sibling]:
        db.session.refresh(case)
    assert [c.state for c in clean] == ["registered", "registered"]
    assert (unclean.state, done.state, sibling.state) == ("in_review", "registered", "in_review")


def test_unclean_case_shows_its_problems_and_no_checkbox(client, auth, make):
    case = make.case("in_review")
    case.group_joined_at = None
    db.session.commit()
    auth.login("lvyuan-supervisor")
    page = client.get("/supervisor/review").get_data(as_text=True)
    assert "三个一：尚未加入联络群" in page
    assert f'name="case_id" value="{case.id}" form="batch-form"' not in page


def test_batch_approve_needs_a_tick(client, auth, make):
    auth.login("demo-supervisor")
    page = client.post("/supervisor/review/approve", data={}, follow_redirects=True).get_data(as_text=True)
    assert "请先勾选要审核通过的案件" in page


def test_send_back_without_reason_is_refused_next_to_the_field(client, auth, make, heard):
    case = make.case("in_review")
    auth.login("lvyuan-supervisor")
    response = client.post(f"/supervisor/review/{case.id}/send-back", data={"reason": "   ", "version": case.version})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert re.search(rf'id="reason-{case.id}"[^>]*aria-invalid="true"', page)
    assert f'id="reason-{case.id}-error">请填写退回原因，社区工作者会看到它' in page
    db.session.refresh(case)
    assert case.state == "in_review" and _history(case, "send_back") == [] and heard() == []


def test_send_back_keeps_the_reason_for_the_worker_and_notifies(client, auth, make, heard):
    case = make.case("in_review")
    auth.login("lvyuan-supervisor")
    response = client.post(f"/supervisor/review/{case.id}/send-back",
                           data={"reason": "去向住址缺少门牌号", "version": case.version}, follow_redirects=True)
    assert "原因已告知责任人" in response.get_data(as_text=True)
    db.session.refresh(case)
    assert case.state == "visited" and case.last_reason == "去向住址缺少门牌号"
    assert _history(case, "send_back")[0].reason == "去向住址缺少门牌号"
    assert heard() == [(case.id, make.user("demo-worker").id, f"退回修改：{case.person.name}",
                        "陈志强退回了登记，原因：去向住址缺少门牌号")]
    auth.login("demo-worker")
    assert "去向住址缺少门牌号" in client.get(f"/cases/{case.id}").get_data(as_text=True)
    delivery.run(utcnow())  # what the scheduler's deliver job does after the commit
    inbox = client.get("/inbox").get_data(as_text=True)
    assert f"退回修改：{case.person.name}" in inbox


def test_send_back_of_a_changed_case_is_a_conflict(client, auth, make, heard):
    case = make.case("in_review")
    auth.login("lvyuan-supervisor")
    page = client.post(f"/supervisor/review/{case.id}/send-back",
                       data={"reason": "请补充", "version": case.version - 1}, follow_redirects=True).get_data(as_text=True)
    assert "该案件已被其他人修改，请刷新后重试" in page
    db.session.refresh(case)
    assert case.state == "in_review" and heard() == []


def test_a_failing_notice_writes_nothing(app, make, monkeypatch):
    case = make.case("in_review")

    def broken(*_args, **_kwargs):
        raise RuntimeError("outbox down")

    monkeypatch.setattr(notices, "notify", broken)
    with pytest.raises(RuntimeError, match="outbox down"):
        review.send_back(case, make.user("demo-supervisor"), "补充材料")
    db.session.refresh(case)
    assert case.state == "in_review"
    assert db.session.scalar(select(func.count()).select_from(TransitionRecord)
                             .where(TransitionRecord.trigger == "send_back")) == 0


def test_send_back_outside_the_subtree_is_404(client, auth, make):
    sibling = make.case("in_review", unit="清江花园楼院党支部", worker="qingjiang-worker")
    auth.login("lvyuan-supervisor")
    response = client.post(f"/supervisor/review/{sibling.id}/send-back", data={"reason": "x"})
    assert response.status_code == 404
    assert sibling.person.name not in response.get_data(as_text=True)
