"""POST /offline/sync: a queued item is applied once, on its version, or refused with the reason."""

import html
import io
import json
import re
import uuid

from sqlalchemy import func, select

from tests.support.worker import rows_written, today
from workflow.cases import services
from workflow.cases.registration import current_entries
from workflow.db import db, utcnow
from workflow.models import Case, ContactLog, OfflineReceipt


def item(case, kind, fields, **extra):
    return {"client_id": str(uuid.uuid4()), "case_id": case.id, "version": case.version, "kind": kind,
            "fields": fields, **extra}


def visit(case, **extra):
    return item(case, "visit", {"visited_on": today(), "outcome": "reached", "met_with": "本人", "notes": "离线记录"},
                **extra)


def send(client, *items):
    response = client.post("/offline/sync", json={"items": list(items)}, headers={"Accept": "application/json"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["results"]


def reload(case):
    db.session.expire_all()
    return db.session.get(Case, case.id)


def test_a_visit_queued_offline_is_applied_once_with_its_receipt(app, make, client, auth):
    case = make.case("identified")
    auth.login()
    queued = visit(case)
    [result] = send(client, queued)
    assert result["status"] == "applied" and result["client_id"] == queued["client_id"]
    assert reload(case).state == "visited" and result["version"] == reload(case).version
    assert db.session.scalar(select(func.count()).select_from(ContactLog).where(ContactLog.case_id == case.id)) == 1
    receipt = db.session.scalar(select(OfflineReceipt).where(OfflineReceipt.client_id == queued["client_id"]))
    assert (receipt.kind, receipt.case_id) == ("visit", case.id)


def test_the_same_item_sent_again_answers_already_recorded_and_writes_nothing(app, make, client, auth):
    case = make.case("identified")
    auth.login()
    queued = visit(case)
    send(client, queued)
    before = rows_written(case.id)
    [again] = send(client, queued)
    assert again == {"client_id": queued["client_id"], "status": "duplicate", "message": "已记录过"}
    assert rows_written(case.id) == before
    assert db.session.scalar(select(func.count()).select_from(OfflineReceipt)) == 1


def test_a_case_changed_by_another_user_meanwhile_is_a_conflict_the_worker_can_force(app, make, client, auth):
    case = make.case("identified")
    queued = visit(case)  # captured on the phone at this version
    services.join_group(case, make.user("demo-supervisor"), "绿苑联络群", utcnow(), expected_version=case.version)
    auth.login()
    before = rows_written(case.id)
    [result] = send(client, queued)
    assert result["status"] == "conflict"
    assert result["server"]["version"] == reload(case).version and result["server"]["state"] == "待走访"
    assert rows_written(case.id) == before and reload(case).state == "identified"
    [forced] = send(client, {**queued, "force": True})
    assert forced["status"] == "applied"
    assert reload(case).state == "visited"
    [again] = send(client, {**queued, "force": True})
    assert again["status"] == "duplicate"


def test_a_visit_the_state_no_longer_allows_is_refused_with_the_reason(app, make, client, auth):
    case = make.case("visited")
    auth.login()
    [result] = send(client, visit(case, force=True))
    assert result["status"] == "refused" and result["message"]
    assert db.session.scalar(select(func.count()).select_from(OfflineReceipt)) == 0


def test_a_phone_number_the_server_rejects_comes_back_to_its_field(app, make, client, auth):
    case = make.case("following")
    auth.login()
    before = rows_written(case.id)
    queued = item(case, "contact", {"kind": "phone", "outcome": "reached", "contacted_on": today(),
                                    "new_phone": "1234", "new_address_kind": "transitional"})
    [result] = send(client, queued)
    assert result["status"] == "invalid"
    assert set(result["errors"]) == {"new_phone"} and "手机" in result["errors"]["new_phone"]
    assert rows_written(case.id) == before
    [bad_date] = send(client, {**queued, "fields": {**queued["fields"], "new_phone": "", "contacted_on": "2026/13/01"}})
    assert bad_date["errors"] == {"contacted_on": "日期格式错误，应为“年-月-日”，如 2026-05-01"}


def test_a_follow_up_not_reached_fires_miss_and_a_five_register_entry_is_saved(app, make, client, auth):
    case = make.case("following")
    auth.login()
    [missed] = send(client, item(case, "contact", {"kind": "phone", "outcome": "not_reached",
                                                   "contacted_on": today(), "new_address_kind": "transitional"}))
    assert missed["status"] == "applied" and reload(case).miss_count == 1
    case = make.case("visited")
    [entry] = send(client, item(case, "registration", {"workplace": "商丘建筑公司", "work_city": "北京"}))
    assert entry["status"] == "applied"
    assert current_entries(case.id)["workplace"].workplace == "商丘建筑公司"
    [frozen] = send(client, item(make.case("following"), "registration", {"workplace": "别处"}))
    assert frozen["status"] == "refused"


def test_a_case_outside_the_users_subtree_is_not_found_and_untouched(app, make, client, auth):
    case = make.case("identified", unit="清江花园楼院党支部", worker="qingjiang-worker")
    auth.login()
    before = rows_written(case.id)
    [result] = send(client, visit(case))
    assert result["status"] == "not_found"
    [odd] = send(client, {**visit(case), "case_id": "99999999999999"})
    assert odd["status"] == "not_found"
    assert rows_written(case.id) == before and reload(case).state == "identified"


def test_hostile_bodies_get_a_quick_4xx_and_never_a_500(app, make, client, auth):
    case = make.case("identified")
    auth.login()
    huge = {"items": [{**visit(case), "fields": {"notes": "x" * 70_000}}]}
    assert client.post("/offline/sync", json=huge).status_code == 413
    assert client.post("/offline/sync", data="{not json", content_type="application/json").status_code == 400
    assert client.post("/offline/sync", json={"items": [visit(case)] * 51}).status_code == 400
    assert client.post("/offline/sync", json=[1, 2]).status_code == 400
    assert client.post("/offline/sync").status_code == 400
    chunked = client.post("/offline/sync", input_stream=io.BytesIO(b"[" * 70_000), content_type="application/json",
                          headers={"Transfer-Encoding": "chunked"})
    assert chunked.status_code in (400, 413)
    odd = send(client, "x", {**visit(case), "client_id": "../../etc"}, {**visit(case), "kind": "approve"},
               {**visit(case), "version": "7"}, {**visit(case), "fields": {"notes": ["a"]}})
    assert [r["status"] for r in odd] == ["invalid"] * 5
    assert reload(case).state == "identified"


def test_a_phone_whose_session_ended_is_told_401(app, client):
    assert client.get("/offline/session", headers={"Accept": "application/json"}).status_code == 401
    assert client.post("/offline/sync", json={"items": []}, headers={"Accept": "application/json"}).status_code == 401


def test_the_manifest_and_the_service_worker_are_served_by_the_app(app, client, auth):
    auth.login()
    manifest = client.get("/offline/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    assert manifest.get_json()["start_url"] == "/"
    for icon in manifest.get_json()["icons"]:
        with client.get(icon["src"]) as response:
            assert response.status_code == 200
    with client.get("/sw.js") as worker:
        assert worker.status_code == 200 and worker.headers["Service-Worker-Allowed"] == "/"
        assert "javascript" in worker.mimetype
    app.config["OFFLINE_ENABLED"] = False
    assert client.get("/sw.js").status_code == 404


def test_every_worker_page_links_the_app_and_boots_offline_work_without_inline_script(app, make, client, auth):
    make.case("identified")
    auth.login()
    page = client.get("/").get_data(as_text=True)
    assert 'rel="manifest" href="/offline/manifest.webmanifest"' in page
    boot = re.search(r"<meta name=\"offline-boot\" content='([^']*)'>", page).group(1)
    assert json.loads(html.unescape(boot))["texts"]["pending"] == "待同步"
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page) is None  # the CSP allows no inline script
    app.config["OFFLINE_ENABLED"] = False
    page = client.get("/").get_data(as_text=True)
    assert "manifest" not in page and '"enabled": false' in html.unescape(page)


def test_logout_tells_the_browser_to_drop_the_offline_copies_and_queue(app, client, auth):
    auth.login()
    response = auth.logout()
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
