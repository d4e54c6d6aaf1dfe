"""The audit view (who did what to which case) and the live process page."""

import re
from datetime import UTC, datetime

import time_machine

from workflow.process.diagram import back_edges, edges, layers
from workflow.process.engine import get_engine
from workflow.reports import dashboard


def _rows(page):
    return re.findall(r'<li class="audit-row audit-(\w+)">(.*?)</li>', page, re.S)


def test_audit_lists_history_and_events_of_the_subtree_only(client, auth, make):
    mine = make.case("in_review")
    sibling = make.case("in_review", unit="清江花园楼院党支部", worker="qingjiang-worker")
    auth.login("qingjiang-worker")
    auth.login("lvyuan-supervisor")
    client.post("/supervisor/review/approve", data={"case_id": mine.id})
    client.post("/supervisor/ledger.xlsx", data={})
    page = client.get("/supervisor/audit").get_data(as_text=True)
    rows = _rows(page)
    texts = " ".join(text for _kind, text in rows)
    assert "审核通过" in texts and "待审核 → 已登记" in texts and mine.person.name in texts
    assert "导出台账" in texts and "行，已脱敏" in texts
    assert "陈志强" in texts and "登录" in texts
    assert sibling.person.name not in page and "刘芳" not in page  # 清江's case and worker
    assert rows[0][0] == "audit" and "导出台账" in rows[0][1]  # newest first


def test_audit_filters_by_case_user_and_dates(client, auth, make):
    early = datetime(2026, 10, 1, 2, 0, tzinfo=UTC)
    with time_machine.travel(early, tick=False):
        old = make.case("visited")
    new = make.case("identified")
    auth.login("demo-supervisor")
    by_case = client.get(f"/supervisor/audit?case={old.id}").get_data(as_text=True)
    assert old.person.name in by_case and new.person.name not in by_case
    worker = make.user("demo-worker").id
    by_user = _rows(client.get(f"/supervisor/audit?user={worker}").get_data(as_text=True))
    assert by_user and all("王晓红" in text for _k, text in by_user)
    in_october = client.get("/supervisor/audit?since=2026-10-01&until=2026-10-01").get_data(as_text=True)
    assert old.person.name in in_october and new.person.name not in in_october
    before = client.get("/supervisor/audit?until=2026-09-30").get_data(as_text=True)
    assert "没有符合条件的记录" in before


def test_audit_filter_errors_and_scope(client, auth, make):
    sibling = make.case("identified", unit="清江花园楼院党支部", worker="qingjiang-worker")
    auth.login("lvyuan-supervisor")
    response = client.get("/supervisor/audit?since=2026-10-02&until=2026-10-01")
    assert response.status_code == 400 and "截止日期不能早于起始日期" in response.get_data(as_text=True)
    assert client.get(f"/supervisor/audit?case={sibling.id}").status_code == 404
    assert client.get(f"/supervisor/audit?user={make.user('qingjiang-worker').id}").status_code == 400


def test_process_page_draws_every_state_with_its_count(client, auth, make):
    make.case("identified")
    make.case("identified", unit="清江花园楼院党支部", worker="qingjiang-worker")
    make.case("following")
    auth.login("lvyuan-supervisor")
    page = client.get("/supervisor/process").get_data(as_text=True)
    definition = get_engine().definition
    counts = dashboard.state_counts(make.unit("绿苑社区党总支"))
    assert counts == {"identified": 1, "following": 1}
    for name, state in definition.states.items():
        assert re.search(f'data-state="{name}" data-count="{counts.get(name, 0)}"', page), name
        assert state.zh in page
    for t in definition.transitions:
        assert t.zh in page
    for source, dest in edges(definition):
        if source != dest:
            assert f'data-from="{source}" data-to="{dest}"' in page
    assert "<svg" in page and "mermaid" not in page.lower()


def test_process_layout_runs_forward_and_marks_steps_back(app):
    definition = get_engine().definition
    pairs = edges(definition)
    back = back_edges(definition, pairs)
    assert ("in_review", "visited") in back and ("lost", "following") in back
    assert ("handover", "registered") in back and ("identified", "visited") not in back
    depth = layers(definition, pairs, back)
    assert depth["identified"] == 0 and depth["visited"] == 1 and depth["closed"] == max(depth.values())
    for (source, dest) in pairs:
        if source != dest and (source, dest) not in back:
            assert depth[dest] > depth[source]
    # "contact" stays where it is in each of its sources, never jumps between them.
    assert ("following", "handover") in pairs and "contact" not in pairs[("following", "handover")]
    assert pairs[("handover", "handover")] == ["contact"]


def test_worker_cannot_see_the_process_or_audit_page(client, auth):
    auth.login("demo-worker")
    assert client.get("/supervisor/process").status_code == 403
    assert client.get("/supervisor/audit").status_code == 403
