"""家庭户 screens: make a family from a case, add members, one visit and one move for all; refusals listed."""

import re

from sqlalchemy import func, select

from tests.support.worker import today
from workflow.cases import registration
from workflow.db import db
from workflow.households import members
from workflow.models import Case, Household, HouseholdMember


def fresh(case):
    db.session.expire_all()
    return db.session.get(Case, case.id)


def household_of(case):
    db.session.expire_all()
    return db.session.scalar(select(HouseholdMember.household_id).where(HouseholdMember.case_id == case.id))


def family(make, states=("identified", "identified", "identified")):
    worker = make.user("demo-worker")
    cases = [make.case(s) for s in states]
    household = members.create_household(worker, cases[0])
    for case in cases[1:]:
        members.add_member(worker, household, case)
    return household.id, cases


def id_number_of(case):
    from workflow.privacy import pii
    return pii.decrypt(case.person.id_cipher)


def ticks(cases):
    data = {"member": [str(c.id) for c in cases]}
    data.update({f"version-{c.id}": str(c.version) for c in cases})
    return data


def test_a_worker_makes_a_household_from_the_case_page_and_adds_a_member(client, auth, make):
    head, other = make.case("identified"), make.case("identified")
    auth.login()
    page = client.get(f"/cases/{head.id}").get_data(as_text=True)
    assert "建立家庭户（本人为户主）" in page
    response = client.post(f"/cases/{head.id}/household", data={"number": "LY-0012"})
    household_id = household_of(head)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/households/{household_id}")
    response = client.post(f"/households/{household_id}/members", data={"id_number": id_number_of(other)})
    assert response.status_code == 302 and household_of(other) == household_id
    page = client.get(f"/cases/{other.id}").get_data(as_text=True)
    assert "LY-0012" in page and head.person.name in page and "户主" in page
    assert head.person.id_masked in page and id_number_of(head) not in page


def test_a_person_in_another_household_is_refused_with_a_link_then_moved_with_a_reason(client, auth, make):
    first, (head, child) = family(make, ("identified", "identified"))
    second, _ = family(make, ("identified",))
    auth.login()
    response = client.post(f"/households/{second}/members", data={"id_number": id_number_of(child)})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "此人已在本项目的另一户中" in page
    assert f'href="/households/{first}"' in page and household_of(child) == first
    response = client.post(f"/households/{second}/move-in", data={"case_id": str(child.id), "reason": ""})
    assert response.status_code == 422 and "请填写调整原因" in response.get_data(as_text=True)
    assert household_of(child) == first
    response = client.post(f"/households/{second}/move-in", data={"case_id": str(child.id), "reason": "分户"})
    assert response.status_code == 302 and household_of(child) == second


def test_shared_addresses_show_on_each_members_five_registers(client, auth, make):
    household_id, cases = family(make)
    auth.login()
    page = client.get(f"/households/{household_id}/addresses").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    response = client.post(f"/households/{household_id}/addresses", data={
        "version": version, "original_address": "梁园区平原路8号", "destination_address": "",
    })
    assert response.status_code == 302
    for case in cases:
        assert registration.current_entries(case.id)["original_address"].address == "梁园区平原路8号"
        assert "梁园区平原路8号" in client.get(f"/cases/{case.id}").get_data(as_text=True)
    stale = client.post(f"/households/{household_id}/addresses", data={
        "version": version, "original_address": "别的地址"})
    assert stale.status_code == 409 and "别的地址" in stale.get_data(as_text=True)


def test_a_destination_without_its_kind_is_refused_and_kept(client, auth, make):
    household_id, cases = family(make, ("identified",))
    auth.login()
    page = client.get(f"/households/{household_id}/addresses").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    response = client.post(f"/households/{household_id}/addresses", data={
        "version": version, "destination_address": "安置小区1栋"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "请选择过渡住址或安置住址" in page and "安置小区1栋" in page
    assert "destination_address" not in registration.current_entries(cases[0].id)


def test_one_visit_for_the_ticked_members(client, auth, make):
    household_id, cases = family(make)
    auth.login()
    page = client.get(f"/households/{household_id}/visit").get_data(as_text=True)
    assert page.count('name="member"') == 3 and page.count("checked") >= 3
    response = client.post(f"/households/{household_id}/visit", data={
        "visited_on": today(), "outcome": "reached", **ticks(cases[:2])})
    assert response.status_code == 302
    assert [fresh(c).state for c in cases] == ["visited", "visited", "identified"]


def test_a_visit_with_a_stale_member_changes_nobody(client, auth, make):
    household_id, cases = family(make)
    auth.login()
    data = {"visited_on": today(), "outcome": "reached", **ticks(cases)}
    data[f"version-{cases[1].id}"] = "0"
    response = client.post(f"/households/{household_id}/visit", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "全户均未办理" in page and "该案件已被其他人修改" in page
    assert [fresh(c).state for c in cases] == ["identified"] * 3


def test_moving_together_shows_who_cannot_and_refuses_all(client, auth, make):
    household_id, cases = family(make, ("registered", "registered", "in_review"))
    auth.login()
    page = client.get(f"/households/{household_id}/do/move_out").get_data(as_text=True)
    assert "当前状态“待审核”不能执行“搬迁”" in page and "disabled" in page
    response = client.post(f"/households/{household_id}/do/move_out", data={
        "moved_on": today(), **ticks(cases)})
    assert response.status_code == 422 and "全户均未办理" in response.get_data(as_text=True)
    assert [fresh(c).state for c in cases] == ["registered", "registered", "in_review"]
    response = client.post(f"/households/{household_id}/do/move_out", data={
        "moved_on": today(), **ticks(cases[:2])})
    assert response.status_code == 302
    assert [fresh(c).state for c in cases] == ["following", "following", "in_review"]


def test_a_household_outside_the_subtree_and_an_unknown_step_are_404(client, auth, make):
    household_id, _cases = family(make, ("identified",))
    auth.login("demo-worker")
    assert client.get(f"/households/{household_id}/do/close").status_code == 404
    assert client.get("/households/999999").status_code == 404


def test_a_new_person_added_from_the_household_joins_it(client, auth, make):
    household_id, (head,) = family(make, ("identified",))
    auth.login()
    url = f"/people/new?household={household_id}"
    page = client.get(url).get_data(as_text=True)
    assert "保存后加入家庭户" in page
    number = make.id_number()
    response = client.post(url, data={"name": "张小明", "id_number": number, "kind": "resident",
                                      "project_id": str(head.project_id), "org_unit_id": str(head.org_unit_id)})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/households/{household_id}")
    page = client.get(f"/households/{household_id}").get_data(as_text=True)
    assert "张小明" in page and number not in page
    other_project = make.project(1)
    response = client.post(url, data={"name": "张小红", "id_number": make.id_number(), "kind": "resident",
                                      "project_id": str(other_project.id), "org_unit_id": str(head.org_unit_id)})
    assert response.status_code == 422 and "张小红" in response.get_data(as_text=True)


def test_the_due_list_shows_the_household_and_filters_by_it(client, auth, make):
    household_id, cases = family(make, ("identified", "identified"))
    outsider = make.case("identified")
    from workflow.models import Household
    db.session.get(Household, household_id).number = "LY-77"
    db.session.commit()
    auth.login()
    page = client.get("/?view=all").get_data(as_text=True)
    assert "户 LY-77" in page
    page = client.get(f"/?view=all&household={household_id}").get_data(as_text=True)
    assert all(f'data-case="{c.id}"' in page for c in cases) and f'data-case="{outsider.id}"' not in page
    assert "仅本户成员" in page


def test_the_supervisors_case_list_filters_by_household(client, auth, make):
    household_id, cases = family(make, ("identified", "identified"))
    outsider = make.case("identified")
    auth.login("demo-supervisor")
    page = client.get("/supervisor/cases").get_data(as_text=True)
    assert f"household={household_id}" in page
    page = client.get(f"/supervisor/cases?household={household_id}").get_data(as_text=True)
    assert all(f'data-case-id="{c.id}"' in page for c in cases) and f'data-case-id="{outsider.id}"' not in page
    assert "家庭户" in page
    assert client.get("/supervisor/cases?household=999999").status_code == 404


def test_the_dashboard_counts_households_as_well_as_people(client, auth, make):
    family(make, ("identified", "identified", "identified"))
    family(make, ("identified",))
    make.case("identified")  # not in a household
    auth.login("demo-supervisor")
    page = client.get("/supervisor/").get_data(as_text=True)
    tile = re.search(r'<div class="tile households">(.*?)</div>', page, re.S).group(1)
    assert '<span class="num">2</span>' in tile and "户内4人" in tile


def test_moving_in_a_person_of_no_household_is_refused_with_the_reason(client, auth, make):
    household_id, _cases = family(make, ("identified",))
    loner = make.case("identified")
    auth.login()
    response = client.post(f"/households/{household_id}/move-in", data={"case_id": str(loner.id), "reason": ""})
    assert response.status_code == 422 and "请填写调整原因" in response.get_data(as_text=True)
    response = client.post(f"/households/{household_id}/move-in", data={"case_id": str(loner.id), "reason": "分户"})
    assert response.status_code == 422 and "此人不在其他户中" in response.get_data(as_text=True)
    assert household_of(loner) is None
    assert client.post(f"/households/{household_id}/move-in", data={"case_id": "x", "reason": "a"}).status_code == 404


def test_a_case_joins_a_household_by_its_number_from_the_case_page(client, auth, make):
    head, other = make.case("identified"), make.case("identified")
    worker = make.user("demo-worker")
    household = members.create_household(worker, head, number="LY-88")
    auth.login()
    response = client.post(f"/cases/{other.id}/household/join", data={"number": "LY-99"})
    assert response.status_code == 422 and household_of(other) is None
    page = response.get_data(as_text=True)
    # the case page again: the reason at the top and on the field, the 户号 as typed, focused
    assert "未保存，请修改以下1处" in page and 'href="#join-number"' in page
    assert re.search(r'<input[^>]*aria-invalid="true"[^>]*id="join-number"[^>]*value="LY-99"', page)
    assert page.count("本项目中没有户号为“LY-99”的家庭户") == 2
    assert 'id="household-number"' in page and 'id="household-number" maxlength="40" name="number" type="text" value=""' in page
    response = client.post(f"/cases/{other.id}/household/join", data={"number": "LY-88"})
    assert response.status_code == 302 and household_of(other) == household.id


def test_a_refused_new_household_keeps_the_typed_number_and_changes_nothing(client, auth, make):
    head = make.case("identified")
    auth.login()
    too_long = "户" * 41
    response = client.post(f"/cases/{head.id}/household", data={"number": too_long})
    assert response.status_code == 422 and household_of(head) is None
    page = response.get_data(as_text=True)
    assert f'value="{too_long}"' in page and "未保存，请修改以下1处" in page and 'href="#household-number"' in page
    assert db.session.scalar(select(func.count(Household.id))) == 0
