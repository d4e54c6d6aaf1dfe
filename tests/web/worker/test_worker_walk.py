"""One case carried through the whole process with the test client, screen by screen."""

from sqlalchemy import select

from tests.support.worker import send, today
from workflow.db import db
from workflow.models import Case, Person


def post(client, url, data, status=302):
    response = send(client, url, data)
    assert response.status_code == status, response.get_data(as_text=True)
    return response


def test_a_case_walks_from_listing_to_closed_through_the_screens(client, auth, make):
    auth.login()
    project, unit = make.project(), make.unit("绿苑小区楼院党支部")
    number = make.id_number()
    response = client.post("/people/new", data={
        "name": "测试甲", "id_number": number, "kind": "member",
        "project_id": project.id, "org_unit_id": unit.id})
    assert response.status_code == 302
    case = db.session.scalar(select(Case).join(Person).where(Person.name == "测试甲"))
    base = f"/cases/{case.id}"
    assert "测试甲" in client.get(base).get_data(as_text=True)

    post(client, base + "/visit", {"visited_on": "", "outcome": "reached", "met_with": "本人"}, 422)
    post(client, base + "/visit", {"outcome": "reached", "met_with": "本人", "notes": "愿意搬迁",
                                   "visited_on": today()})
    post(client, base + "/registration", {
        "original_address": "商丘市梁园区平原路1号", "destination_address": "商丘市梁园区过渡房3号",
        "address_kind": "transitional", "phone": make.mobile(), "backup_name": "测试乙",
        "backup_phone": make.mobile(), "workplace": "商丘某公司", "work_city": "商丘",
        "org_unit_id": unit.id})
    post(client, base + "/card", {"issued_on": today()})
    assert client.get(base + "/card/print").status_code == 200
    post(client, base + "/group", {"group_name": "绿苑动迁群", "joined_on": today()})
    post(client, base + "/submit", {})
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == "in_review"

    auth.logout()
    auth.login("demo-supervisor")
    post(client, base + "/do/approve", {})
    auth.logout()
    auth.login()
    post(client, base + "/do/move_out", {"moved_on": today()})
    post(client, base + "/follow-up", {"kind": "phone", "outcome": "reached", "contacted_on": today()})
    receiver = make.unit("清江社区党总支")
    post(client, base + "/handover", {"kind": "resettle", "to_unit_id": receiver.id})
    auth.logout()
    auth.login("qingjiang-worker")
    assert "测试甲" in client.get("/?view=incoming").get_data(as_text=True)
    post(client, base + "/do/accept", {})
    # 新接收: the receiving unit's first tasks (a first contact, its own 联络群), then 已安置
    post(client, base + "/follow-up", {"kind": "phone", "outcome": "reached", "contacted_on": today()})
    post(client, base + "/group", {"group_name": "清江动迁群", "joined_on": today()})
    post(client, base + "/do/settle_in", {})
    post(client, base + "/do/close", {"reason": "已安置"})
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.state == "closed" and case.org_path == receiver.path

