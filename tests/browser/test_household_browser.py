"""A worker on a phone (390×844) visits a family of three at its door and later moves a family out together."""

import re

from playwright.sync_api import expect

from tests.support.browser import login, screenshot
from workflow.db import db


def _seed(live_app):
    """Three people to visit (no household yet), and a registered family of three."""
    from tests.support.factories import Factory
    from workflow.households import members
    from workflow.privacy import pii

    with live_app.app_context():
        make = Factory(live_app)
        worker = make.user("demo-worker")
        to_visit = [make.case("identified") for _ in range(3)]
        moving = [make.case("registered") for _ in range(3)]
        household = members.create_household(worker, moving[0], number="LY-B-09")
        for case in moving[1:]:
            members.add_member(worker, household, case)
        seeded = {"visit": [(c.id, c.person.name, pii.decrypt(c.person.id_cipher)) for c in to_visit],
                  "moving": [c.id for c in moving], "household": household.id}
        db.session.remove()
    return seeded


def _states(live_app, ids):
    from workflow.models import Case

    with live_app.app_context():
        states = [db.session.get(Case, i).state for i in ids]
        db.session.remove()
    return states


def send(page):
    with page.expect_navigation():
        page.click("main form button[type=submit].primary")


def fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_visit_a_family_of_three_and_move_a_family_together(phone, live_app, backend):
    seeded = _seed(live_app)
    (head_id, head, _n), *others = seeded["visit"]
    login(phone)

    # The head's case page: make the household, then add the two others by ID number.
    phone.goto(f"/cases/{head_id}")
    phone.fill("#household-number", "LY-A-01")
    with phone.expect_navigation():
        phone.click("form.new-household button")
    expect(phone.get_by_text(f"已建立家庭户，{head}为户主")).to_be_visible()
    for _case_id, _name, number in others:
        phone.fill("#id_number", number)
        with phone.expect_navigation():
            phone.click("form.add-member button")
    expect(phone.locator("ul.household-members li")).to_have_count(3)
    assert all(number not in phone.content() for _c, _n, number in seeded["visit"])  # masked
    fits_the_phone(phone)
    screenshot(phone, "household-01-members", backend)

    # One visit for the family: all three ticked by default.
    with phone.expect_navigation():
        phone.click("a[data-step=visit]")
    expect(phone.locator("input[name=member]:checked")).to_have_count(3)
    fits_the_phone(phone)
    screenshot(phone, "household-02-visit", backend)
    send(phone)
    expect(phone.get_by_text("已为本户记录入户走访")).to_be_visible()
    assert _states(live_app, [head_id] + [c for c, _n, _x in others]) == ["visited"] * 3

    # The registered family: their shared destination, then 全户搬迁, every member ticked.
    phone.goto(f"/households/{seeded['household']}/addresses")
    phone.fill("#destination_address", "梁园区安置小区6号楼2单元")
    phone.check("input[name=destination_kind][value=transitional]")
    send(phone)
    expect(phone.locator(".household-destination")).to_have_text("梁园区安置小区6号楼2单元")
    with phone.expect_navigation():
        phone.click("a[data-step=move_out]")
    expect(phone.locator("input[name=member]:checked")).to_have_count(3)
    screenshot(phone, "household-03-move", backend)
    send(phone)
    expect(phone.get_by_text("已为本户办理搬迁")).to_be_visible()
    assert _states(live_app, seeded["moving"]) == ["following"] * 3

    # The same household page in English.
    phone.goto("/lang/en")
    phone.goto(f"/households/{seeded['household']}")
    expect(phone.locator("h1").first).to_contain_text("Household")
    expect(phone.locator("a[data-step=visit]")).to_have_text("Visit the household")
    assert re.search(r"Members \(3\)", phone.content())
    fits_the_phone(phone)
    screenshot(phone, "household-04-english", backend)
