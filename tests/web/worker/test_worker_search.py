"""Search by name, last ID digits, full ID number or phone: own subtree only, masked results."""

import re

from workflow.cases import registration
from workflow.privacy import pii


def found(client, query):
    page = client.post("/search", data={"q": query}).get_data(as_text=True)
    return re.findall(r'<span class="name">([^<]+)</span>', page), page


def test_search_by_name_prefix_finds_the_person(client, auth, make):
    case = make.case("following")
    auth.login()
    names, page = found(client, case.person.name[:1])
    assert case.person.name in names
    names, _ = found(client, case.person.name)
    assert names == [case.person.name]


def test_search_by_the_last_four_id_digits_shows_masked_results(client, auth, make):
    case = make.case("registered")
    number = pii.decrypt(case.person.id_cipher)
    auth.login()
    names, page = found(client, number[-4:])
    assert case.person.name in names and "按身份证后4位查找" in page
    assert case.person.id_masked in page and number not in page
    phone = registration.current_entries(case.id)["contact"].phone
    assert f"{phone[:3]}****{phone[-4:]}" in page and phone not in page


def test_search_by_full_id_number_and_by_phone(client, auth, make):
    case = make.case("registered")
    number = pii.decrypt(case.person.id_cipher)
    phone = registration.current_entries(case.id)["contact"].phone
    auth.login()
    assert found(client, number)[0] == [case.person.name]
    assert found(client, f"{phone[:3]} {phone[3:7]} {phone[7:]}")[0] == [case.person.name]


def test_an_old_phone_still_finds_the_person(client, auth, make):
    case = make.case("following")
    old = registration.current_entries(case.id)["contact"].phone
    from workflow.cases import services
    from workflow.db import utcnow
    services.record_follow_up(case, make.user("demo-worker"), kind="phone", outcome="reached",
                              contacted_at=utcnow(), new_phone=make.mobile())
    auth.login()
    assert found(client, old)[0] == [case.person.name]


def test_search_never_leaves_the_users_subtree(client, auth, make):
    other = make.case("registered", unit="清江花园楼院党支部", worker="qingjiang-worker")
    number = pii.decrypt(other.person.id_cipher)
    phone = registration.current_entries(other.id)["contact"].phone
    auth.login()
    for query in (other.person.name, number[-4:], number, phone):
        names, page = found(client, query)
        assert other.person.name not in names and other.person.id_masked not in page


def test_digits_that_are_neither_id_nor_phone_get_a_hint(client, auth, make):
    make.case("identified")
    auth.login()
    names, page = found(client, "12")
    assert names == [] and "数字请输入身份证后4位、完整身份证号或完整电话号码" in page


def test_the_query_is_posted_so_numbers_stay_out_of_urls(client, auth):
    auth.login()
    page = client.get("/search?q=13812345678").get_data(as_text=True)
    assert 'method="post"' in page and "13812345678" not in page


def test_wildcards_in_a_name_search_are_taken_literally(client, auth, make):
    make.case("identified")
    auth.login()
    for query in ("%", "*", "_", "[a]"):
        assert found(client, query)[0] == []
