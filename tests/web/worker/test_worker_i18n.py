"""English on request: the worker screens speak it (every message has English: tests/test_translations.py)."""


def test_the_today_list_and_its_filters_speak_english_on_request(client, auth, make):
    make.case("identified")
    auth.login()
    client.get("/lang/en")
    page = client.get("/").get_data(as_text=True)
    for text in ("Due work", "Overdue or soon", "Incoming", "Filter", "All states", "To visit"):
        assert text in page
    page = client.get("/people/new").get_data(as_text=True)
    assert "Add person" in page and "Name" in page and "新增人员" not in page
