"""Helpers of the member-link tests: issue a card's link as the worker, open it as the member."""

import re

from workflow.db import db
from workflow.models import Case
from workflow.privacy import pii

TOKEN = re.compile(r"/m/([A-Za-z0-9_-]{16,})")


def issue_link(client, case, **form):
    """Issue (or reissue) the case's link as the logged-in worker; return its token."""
    response = client.post(f"/cases/{case.id}/member-link", data=form)
    assert response.status_code == 200, response.status_code
    return TOKEN.search(response.get_data(as_text=True)).group(1)


def last4(case):
    return pii.decrypt(case.person.id_cipher)[-4:]


def wrong4(case):
    """Four characters that are not the case's last four."""
    right = last4(case)
    return "0000" if right != "0000" else "1111"


def verified(app, case, token):
    """A new member client (another phone) that has answered the question; return it."""
    member = app.test_client()
    response = member.post(f"/m/{token}", data={"last4": last4(case)})
    assert response.status_code == 302, response.status_code
    return member


def fresh(case):
    db.session.expire_all()
    return db.session.get(Case, case.id)
