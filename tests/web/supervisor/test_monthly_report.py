"""月报 screens: the draft with its links, 上报, the level above's view, 退回 with a reason, a new version."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from tests.support import frozen
from tests.support.factories import PASSWORD
from workflow.db import db
from workflow.models import AuditEvent, MonthlyReport

MARCH = datetime(2026, 3, 5, 2, 0, tzinfo=UTC)


@pytest.fixture
def march(make):
    with frozen(MARCH):
        make.case("following")
        make.case("lost", unit="机务段家属院党支部")


def login(client, username):
    client.post("/logout")
    return client.post("/login", data={"username": username, "password": PASSWORD})


def copies():
    return db.session.scalars(select(MonthlyReport).order_by(MonthlyReport.id)).all()


def test_a_community_drafts_submits_and_the_street_sends_back(march, client, make):
    login(client, "lvyuan-supervisor")
    page = client.get("/supervisor/monthly?period=2026-03").get_data(as_text=True)
    assert "2026年3月" in page and "机务段家属院党支部" in page and "未上报" in page
    lost_link = f'/supervisor/monthly/2026-03/cases?column=lost&amp;unit={make.unit("机务段家属院党支部").id}'
    assert lost_link in page
    behind = client.get(lost_link.replace("&amp;", "&")).get_data(as_text=True)
    assert "共1人" in behind

    response = client.post("/supervisor/monthly/2026-03/submit", data={"note": "按时上报"})
    assert response.status_code == 302
    [copy] = copies()
    assert (copy.version, copy.status, copy.note) == (1, "submitted", "按时上报")
    assert copy.figures["total"]["lost"] == 1

    login(client, "demo-supervisor")
    page = client.get("/supervisor/monthly?period=2026-03").get_data(as_text=True)
    assert "已上报第1版" in page and page.count("未上报") >= 2  # 清江, 前程, 在京 have not
    refused = client.post(f"/supervisor/monthly/reports/{copy.id}/send-back", data={"period": "2026-03", "reason": " "})
    assert refused.status_code == 400 and "请填写退回原因" in refused.get_data(as_text=True)
    assert copies()[0].status == "submitted"
    client.post(f"/supervisor/monthly/reports/{copy.id}/send-back", data={"period": "2026-03", "reason": "请核对失联人数"})
    db.session.expire_all()
    assert (copies()[0].status, copies()[0].return_reason) == ("returned", "请核对失联人数")

    login(client, "lvyuan-supervisor")
    page = client.get("/supervisor/monthly?period=2026-03").get_data(as_text=True)
    assert "退回原因：请核对失联人数" in page
    client.post("/supervisor/monthly/2026-03/submit", data={"note": "已核对"})
    db.session.expire_all()
    assert [(c.version, c.status) for c in copies()] == [(1, "returned"), (2, "submitted")]
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("monthly_report%"))).all()
    assert actions == ["monthly_report_submit", "monthly_report_send_back", "monthly_report_submit"]


def test_the_same_figures_again_without_a_note_are_refused(march, client):
    login(client, "lvyuan-supervisor")
    client.post("/supervisor/monthly/2026-03/submit", data={"note": ""})
    again = client.post("/supervisor/monthly/2026-03/submit", data={"note": ""})
    assert again.status_code == 400 and "与已上报的第1版相同" in again.get_data(as_text=True)
    assert len(copies()) == 1


def test_a_branch_cannot_send_back_its_own_report_nor_another_streets(march, client):
    login(client, "lvyuan-supervisor")
    client.post("/supervisor/monthly/2026-03/submit", data={"note": "x"})
    own = client.post(f"/supervisor/monthly/reports/{copies()[0].id}/send-back",
                      data={"period": "2026-03", "reason": "自己退回"}, follow_redirects=True)
    assert "只有上一级单位的督导可以退回该报表" in own.get_data(as_text=True)
    assert client.post("/supervisor/monthly/reports/999/send-back", data={"reason": "x"}).status_code == 404
    db.session.expire_all()
    assert copies()[0].status == "submitted"


@pytest.mark.parametrize(("period", "message"), [("2026-13", "报表期间应为"), ("2999-01", "尚未开始")])
def test_a_wrong_period_is_told_and_kept(client, period, message):
    login(client, "lvyuan-supervisor")
    response = client.get(f"/supervisor/monthly?period={period}")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and message in page and f'value="{period}"' in page


def test_the_current_month_cannot_be_submitted(client):
    login(client, "lvyuan-supervisor")
    now = datetime.now(UTC).astimezone().strftime("%Y-%m")
    response = client.post(f"/supervisor/monthly/{now}/submit", data={"note": "早报"})
    assert response.status_code == 400 and "尚未结束" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(MonthlyReport.id))) == 0


def test_an_unknown_column_or_a_unit_elsewhere_is_404(march, client, make):
    login(client, "lvyuan-supervisor")
    assert client.get("/supervisor/monthly/2026-03/cases?column=nope").status_code == 404
    other = make.unit("清江社区党总支").id
    assert client.get(f"/supervisor/monthly/2026-03/cases?column=lost&unit={other}").status_code == 404


def test_the_frozen_copy_stays_as_submitted_and_a_correction_shows_the_differences(march, client, make):
    login(client, "lvyuan-supervisor")
    client.post("/supervisor/monthly/2026-03/submit", data={"note": "首报"})
    [first] = copies()
    # A late entry dated in March (a correction of the record) changes the draft, not the copy.
    with frozen(datetime(2026, 3, 20, 2, 0, tzinfo=UTC)):
        make.case("lost", unit="机务段家属院党支部")
    page = client.get(f"/supervisor/monthly/reports/{first.id}").get_data(as_text=True)
    assert "陈志强" in page and "首报" in page
    db.session.expire_all()
    assert copies()[0].figures["total"]["lost"] == 1
    client.post("/supervisor/monthly/2026-03/submit", data={"note": "补录一名失联人员"})
    second = copies()[-1]
    page = client.get(f"/supervisor/monthly/reports/{second.id}").get_data(as_text=True)
    assert "第1版与第2版的差异" in page
    assert "<td>机务段家属院党支部</td><td>失联</td><td>1</td><td>2</td>" in page
    assert client.get(f"/supervisor/monthly/reports/{second.id}/export.xlsx").status_code == 200
    assert client.get(f"/supervisor/monthly/reports/{second.id}/export.pdf").status_code == 404
    login(client, "qingjiang-worker")
    assert client.get(f"/supervisor/monthly/reports/{second.id}").status_code == 403
