"""The session cookie: it carries only a random token; the row behind it lives in
workflow.accounts.sessions. The cookie is re-sent when the session is touched (at most
once a minute), not on every response."""

from flask import g, request, session
from flask_wtf.csrf import generate_csrf

from workflow.accounts import sessions

TOKEN_KEY = "sid"


def client_address():
    """Return the client's address (after ProxyFix when proxies are configured)."""
    return (request.remote_addr or "unknown")[:64]


def user_agent():
    """Return the client's user agent as sent (may be empty)."""
    return request.user_agent.string or ""


def start(token):
    """Put a new session's token in a fresh cookie."""
    session.clear()  # a new session id on every login: no session fixation
    session[TOKEN_KEY] = token
    session.permanent = True
    # A fresh CSRF secret now, in the cookie the login sends anyway: else the first page
    # after login would have to make one and send the whole cookie again.
    g.pop("csrf_token", None)
    generate_csrf()


def current():
    """Return (row, None) for a live session, or (None, why) where why says what ended it."""
    found = sessions.find(session.get(TOKEN_KEY))
    g.inbox_unread = found.unread
    if found.touched:
        # The cookie's expiry moves with it (not on every response): the cookie outlives the
        # absolute time-out, so the server ends the session and can say why.
        session.modified = True
    return found.row, found.ended
