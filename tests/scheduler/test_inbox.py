"""notify() from other code, and the in-app inbox: the bell, read and unread, only one's own."""

from sqlalchemy import func, select

from workflow.db import db
from workflow.models import Delivery, InboxItem, OutboxMessage
from workflow.outbox import notify


def sent_back(make, case, reason="缺少备用联系人"):
    """What the supervisor's send-back does: queue a notice to the worker, then commit."""
    queued = notify(case.worker, "sent_back", f"退回修改：{case.person.name}", f"退回原因：{reason}", case=case)
    db.session.commit()
    return queued


def test_notify_is_delivered_to_the_inbox_after_commit(run, make):
    case = make.case("in_review")
    assert sent_back(make, case) is True
    [message] = db.session.scalars(select(OutboxMessage)).all()
    assert (message.kind, message.recipient, message.link) == ("sent_back", f"user:{case.worker_id}", f"/cases/{case.id}")
    assert db.session.scalar(select(func.count(InboxItem.id))) == 0  # queued, not yet delivered
    run.deliver_due()
    [item] = db.session.scalars(select(InboxItem)).all()
    assert item.user_id == case.worker_id and item.title == f"退回修改：{case.person.name}" and item.read_at is None


def test_notify_rolled_back_with_its_transaction_sends_nothing(make):
    case = make.case("in_review")
    notify(case.worker, "sent_back", "退回修改", case=case)
    db.session.rollback()
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    assert db.session.scalar(select(func.count(Delivery.id))) == 0


def test_notify_with_the_same_key_queues_once(make):
    case = make.case("in_review")
    assert notify(case.worker, "sent_back", "退回修改", case=case, key="sent_back:record:7") is True
    assert notify(case.worker, "sent_back", "退回修改", case=case, key="sent_back:record:7") is False
    db.session.commit()
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1


def test_bell_counts_unread_and_the_inbox_marks_read_and_unread(run, client, auth, make):
    case = make.case("in_review")
    sent_back(make, case, "地址不全")
    sent_back(make, make.case("in_review"), "缺少工作单位")
    run.deliver_due()
    auth.login()
    home = client.get("/").get_data(as_text=True)
    assert 'class="bell-count">2<' in home and "2条未读" in home
    page = client.get("/inbox").get_data(as_text=True)
    assert "退回原因：地址不全" in page and "退回原因：缺少工作单位" in page and "退回修改" in page
    item = db.session.scalar(select(InboxItem).where(InboxItem.case_id == case.id))
    client.post(f"/inbox/{item.id}/read")
    assert 'class="bell-count">1<' in client.get("/").get_data(as_text=True)
    unread_only = client.get("/inbox?show=unread").get_data(as_text=True)
    assert "地址不全" not in unread_only and "缺少工作单位" in unread_only
    client.post(f"/inbox/{item.id}/unread")
    assert 'class="bell-count">2<' in client.get("/").get_data(as_text=True)
    client.post("/inbox/read-all")
    assert "bell-count" not in client.get("/").get_data(as_text=True)


def test_opening_a_message_marks_it_read_and_goes_to_the_case(run, client, auth, make):
    case = make.case("in_review")
    sent_back(make, case)
    run.deliver_due()
    auth.login()
    item = db.session.scalar(select(InboxItem))
    response = client.post(f"/inbox/{item.id}/open")
    assert response.status_code == 302 and response.headers["Location"] == f"/cases/{case.id}"
    db.session.expire_all()
    assert db.session.get(InboxItem, item.id).read_at is not None


def test_someone_elses_message_is_404_and_unchanged(run, client, auth, make):
    case = make.case("in_review", unit="清江花园楼院党支部", worker="qingjiang-worker")
    sent_back(make, case, "仅清江可见")
    run.deliver_due()
    auth.login("demo-worker")
    item = db.session.scalar(select(InboxItem))
    assert client.post(f"/inbox/{item.id}/read").status_code == 404
    assert client.post(f"/inbox/{item.id}/open").status_code == 404
    assert "仅清江可见" not in client.get("/inbox").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(InboxItem, item.id).read_at is None


def test_inbox_is_in_english_on_request(run, client, auth, make):
    sent_back(make, make.case("in_review"))
    run.deliver_due()
    auth.login()
    client.get("/lang/en")
    page = client.get("/inbox").get_data(as_text=True)
    assert "Messages" in page and "Mark read" in page and "1 unread" in page and "Sent back" in page


def test_a_supervisor_starts_on_the_overview_and_the_bell_counts_only_open_work(run, client, auth, make, backend):
    from datetime import timedelta

    from tests.scheduler.conftest import frozen
    from workflow.cases import review
    from workflow.db import utcnow

    start = utcnow() - timedelta(days=10)
    with frozen(start):
        late, answered = make.case("in_review"), make.case("in_review")  # reviews due 7 days ago
    run.scan_due(utcnow())
    run.deliver_due()
    response = client.post("/login", data={"username": "lvyuan-supervisor", "password": "Test-pass-2026"})
    assert response.headers["Location"] == "/supervisor/"
    # Each late review brought the reviewer an overdue notice (escalations wait for the digest).
    assert 'class="bell-count">2<' in client.get("/supervisor/").get_data(as_text=True)
    review.approve_many([answered.id], make.user("lvyuan-supervisor"))  # its reminder is answered
    assert 'class="bell-count">1<' in client.get("/supervisor/").get_data(as_text=True)
    page = client.get("/inbox").get_data(as_text=True)
    assert "2条未读" in page and "其中1条仍待处理" in page
    client.post("/inbox/read-old")  # the answered ones go; the open ones stay unread
    mine = make.user("lvyuan-supervisor").id
    still = db.session.scalars(select(InboxItem).where(InboxItem.read_at.is_(None), InboxItem.user_id == mine)).all()
    assert {i.case_id for i in still} == {late.id} and len(still) == 1


def test_a_worker_still_starts_on_the_due_list(client, make):
    response = client.post("/login", data={"username": "demo-worker", "password": "Test-pass-2026"})
    assert response.headers["Location"] == "/"
