"""新增人员: errors next to each field, typed values kept, duplicates refused or warned."""

from sqlalchemy import func, select

from tests.support.worker import checked, error_of, selected
from workflow.cases import services
from workflow.db import db
from workflow.demo.synthetic import wrong_check_digit
from workflow.models import Case, Person


def cases_count():
    return db.session.scalar(select(func.count(Case.id)))


def person_data(make, **changes):
    data = {"name": "测试王芳", "id_number": make.id_number(), "kind": "resident",
            "project_id": make.project().id, "org_unit_id": make.unit("绿苑小区楼院党支部").id}
    return {**data, **changes}


def test_a_wrong_check_digit_is_named_and_everything_typed_stays(client, auth, make):
    auth.login()
    data = person_data(make)
    data["id_number"] = wrong_check_digit(data["id_number"])
    before = cases_count()
    response = client.post("/people/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert error_of(page, "id_number") == "身份证号校验位错误（最后一位）"
    assert 'value="测试王芳"' in page and f'value="{data["id_number"]}"' in page
    assert checked(page, "kind", "resident")
    assert selected(page, data["project_id"])
    assert cases_count() == before


def test_each_missing_field_gets_its_own_message(client, auth):
    auth.login()
    page = client.post("/people/new", data={}).get_data(as_text=True)
    assert error_of(page, "name") == "请填写姓名"
    assert error_of(page, "id_number") == "请填写身份证号"
    assert error_of(page, "kind") == "请选择身份：党员或居民"
    assert error_of(page, "project_id") == "请选择项目"
    assert error_of(page, "org_unit_id") == "请选择所属组织"


def test_short_id_number_and_bad_name_are_explained(client, auth, make):
    auth.login()
    page = client.post("/people/new", data=person_data(make, name="王<b>", id_number="41140219800101")
                       ).get_data(as_text=True)
    assert error_of(page, "id_number") == "身份证号应为18位，当前为14位"
    assert error_of(page, "name") == "姓名只能包含汉字、字母和间隔号“·”"


def test_a_unit_outside_the_subtree_cannot_be_chosen(client, auth, make):
    auth.login()
    before = cases_count()
    page = client.post("/people/new", data=person_data(make, org_unit_id=make.unit("清江花园楼院党支部").id)
                       ).get_data(as_text=True)
    assert error_of(page, "org_unit_id") == "请选择所属组织"
    assert cases_count() == before


def test_a_new_person_starts_at_to_visit_with_the_worker_responsible(client, auth, make):
    auth.login()
    response = client.post("/people/new", data=person_data(make, kind="member"))
    assert response.status_code == 302
    case = db.session.scalar(select(Case).join(Person).where(Person.name == "测试王芳"))
    assert response.headers["Location"].endswith(f"/cases/{case.id}")
    assert case.state == "identified" and case.worker.username == "demo-worker"
    assert case.person.is_party_member and case.next_due_at is not None
    assert "已添加测试王芳" in client.get(f"/cases/{case.id}").get_data(as_text=True)


def test_the_same_id_number_in_the_same_project_links_to_the_existing_case(client, auth, make):
    existing = make.case("visited")
    from workflow.privacy import pii
    number = pii.decrypt(existing.person.id_cipher)
    auth.login()
    before = cases_count()
    response = client.post("/people/new", data=person_data(make, id_number=number))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert error_of(page, "id_number") == "此人在该项目中已有案件"
    assert f'href="/cases/{existing.id}"' in page and "查看已有案件" in page
    assert cases_count() == before


def test_a_duplicate_in_another_subtree_is_refused_without_a_link(client, auth, make):
    existing = make.case("identified", unit="清江花园楼院党支部", worker="qingjiang-worker")
    from workflow.privacy import pii
    auth.login()
    page = client.post("/people/new", data=person_data(make, id_number=pii.decrypt(existing.person.id_cipher))
                       ).get_data(as_text=True)
    assert error_of(page, "id_number") == "此人在该项目中已有案件"
    assert f"/cases/{existing.id}" not in page and existing.person.name not in page
    assert "该案件由其他单位负责" in page


def test_the_same_person_in_another_project_gets_a_second_case(client, auth, make):
    existing = make.case("identified", project=0)
    from workflow.privacy import pii
    auth.login()
    response = client.post("/people/new", data=person_data(
        make, id_number=pii.decrypt(existing.person.id_cipher), project_id=make.project(1).id))
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Case.id)).where(Case.person_id == existing.person_id)) == 2


def test_same_name_and_birth_date_warns_and_saves_only_when_confirmed(client, auth, make):
    existing = make.case("identified")
    number = make.synth.id_number(birth=existing.person.birth_date)
    auth.login()
    before = cases_count()
    data = person_data(make, name=existing.person.name, id_number=number)
    page = client.post("/people/new", data=data).get_data(as_text=True)
    assert "本辖区已有同名且出生日期相同的人员" in page
    assert existing.person.id_masked in page and 'name="confirm_similar"' in page
    assert cases_count() == before
    response = client.post("/people/new", data={**data, "confirm_similar": "y"})
    assert response.status_code == 302 and cases_count() == before + 1


def test_list_person_refuses_a_duplicate_created_at_the_same_moment(make, monkeypatch):
    """The unique index has the last word: a racing second listing becomes DuplicateCase."""
    case = make.case("identified")
    from workflow.privacy import pii
    number = pii.decrypt(case.person.id_cipher)
    lookups = []
    original = services.find_person

    def not_yet_committed(value):  # the first look happens before the other listing commits
        lookups.append(value)
        return None if len(lookups) == 1 else original(value)

    monkeypatch.setattr(services, "find_person", not_yet_committed)
    before = cases_count()
    try:
        services.list_person(make.user("demo-worker"), project=case.project, org_unit=case.org_unit,
                             name="某人", id_number=number, is_party_member=False)
    except services.DuplicateCase as exc:
        assert exc.case.id == case.id
    else:
        raise AssertionError("a racing duplicate must be refused")
    assert cases_count() == before
