"""Offline work on the phone: the web app manifest, the service worker, and POST /offline/sync.

HTTP only: the sync view checks the JSON's shape and size, validates each item's fields
with the same form the online screen uses, and hands it to one workflow.offline.sync
function (its own transaction). docs/offline.md says what the phone caches and queues.
"""

import os
import re

from flask import Blueprint, abort, current_app, g, jsonify, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf
from werkzeug.datastructures import MultiDict

from forms.fields import day_to_utc, parse_id
from forms.follow_up import FollowUpForm
from forms.registration import RegistrationForm
from forms.visit import VisitForm
from workflow.cases.choices import all_units
from workflow.offline import sync

bp = Blueprint("offline", __name__)

CLIENT_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
MAX_FIELDS, MAX_VALUE = 20, 5000  # no form of the three has more fields or longer text
STATIC = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "static")


@bp.before_request
def offline_enabled():
    """OFFLINE_ENABLED = False: none of these exist (phones drop their worker, offline.js)."""
    if not current_app.config["OFFLINE_ENABLED"]:
        abort(404)


def _text(value):
    return (value or "").strip() or None


def _visit(item, form):
    return sync.apply_visit(g.user, item, contacted_at=day_to_utc(form.visited_on.data),
                            outcome=form.outcome.data, met_with=_text(form.met_with.data),
                            notes=_text(form.notes.data))


def _contact(item, form):
    return sync.apply_contact(g.user, item, kind=form.kind.data, outcome=form.outcome.data,
                              contacted_at=day_to_utc(form.contacted_on.data), notes=_text(form.notes.data),
                              new_phone=form.new_phone.data or None, new_address=_text(form.new_address.data),
                              address_kind=form.new_address_kind.data)


def _registration(item, form):
    return sync.apply_registration(g.user, item, form.items)


# kind: (the online screen's form, built for a request; what applies it)
KINDS = {
    "visit": (lambda data: VisitForm(formdata=data, meta={"csrf": False}), _visit),
    "contact": (lambda data: FollowUpForm(formdata=data, meta={"csrf": False}), _contact),
    "registration": (lambda data: RegistrationForm(formdata=data, meta={"csrf": False}, units=all_units()),
                     _registration),
}


def _unreadable():
    return {"status": "invalid", "errors": {"_": _("无法识别的离线记录，请放弃后重新填写")}}


def _fields(raw):
    """The form fields of an item as a MultiDict, or None when they are not short strings."""
    if not isinstance(raw, dict) or len(raw) > MAX_FIELDS:
        return None
    if not all(isinstance(k, str) and isinstance(v, str) and len(k) <= 50 and len(v) <= MAX_VALUE
               for k, v in raw.items()):
        return None
    return MultiDict({k: v for k, v in raw.items() if k not in ("csrf_token", "version")})


def _one(raw):
    """Apply one queued item; the answer says what happened to it."""
    if not isinstance(raw, dict):
        return _unreadable()
    client_id, kind = raw.get("client_id"), raw.get("kind")
    answer = {"client_id": client_id if isinstance(client_id, str) and len(client_id) <= 36 else None}
    fields = _fields(raw.get("fields"))
    version = raw.get("version")
    if (not isinstance(client_id, str) or not CLIENT_ID.match(client_id) or kind not in KINDS or fields is None
            or not (version is None or (isinstance(version, int) and not isinstance(version, bool)))):
        return answer | _unreadable()
    case_id = parse_id(raw.get("case_id"))
    if case_id is None:
        return answer | {"status": "not_found", "message": _("没有找到该案件")}
    build, apply = KINDS[kind]
    form = build(fields)
    if not form.validate():
        return answer | {"status": "invalid", "errors": {name: errors[0] for name, errors in form.errors.items()}}
    item = sync.Item(client_id=client_id, case_id=case_id, version=version, force=raw.get("force") is True)
    return answer | apply(item, form)


@bp.post("/offline/sync")
def sync_items():
    """Apply the phone's queue, in order: at most OFFLINE_MAX_ITEMS items, OFFLINE_MAX_BYTES of JSON."""
    limit = current_app.config["OFFLINE_MAX_BYTES"]
    if (request.content_length or 0) > limit:
        return jsonify(error=_("一次同步的内容过多")), 413
    request.max_content_length = limit  # a body without a length is cut off there too (413)
    body = request.get_json(silent=True)
    items = body.get("items") if isinstance(body, dict) else None
    if not isinstance(items, list) or not 1 <= len(items) <= current_app.config["OFFLINE_MAX_ITEMS"]:
        return jsonify(error=_("无法识别的离线记录，请放弃后重新填写")), 400
    return jsonify(results=[_one(raw) for raw in items])


@bp.get("/offline/session")
def session_state():
    """Say the session lives (401 when it ended: web.auth answers JSON asks so) and give a fresh CSRF token."""
    return jsonify(user=g.user.id, csrf=generate_csrf())


@bp.get("/offline/manifest.webmanifest")
def manifest():
    """The installable web app: name, start page, the app's own icons."""
    icons = [{"src": url_for("static", filename=f"icons/icon-{n}.png"), "sizes": f"{n}x{n}", "type": "image/png"}
             for n in (192, 512)]
    icons.append({"src": url_for("static", filename="icons/icon.svg"), "sizes": "any", "type": "image/svg+xml"})
    response = jsonify(name=_("动迁登记跟踪"), short_name=_("动迁跟踪"), start_url=url_for("cases.index"),
                       scope="/", display="standalone", background_color="#ffffff", theme_color="#b71c1c",
                       lang="zh-CN", icons=icons)
    response.headers["Content-Type"] = "application/manifest+json"
    return response


@bp.get("/sw.js")
def service_worker():
    """The service worker, from the site's root so its scope covers every worker page."""
    # Read whole (a few KB) rather than streamed: no file handle outlives the request.
    with open(os.path.join(STATIC, "js", "sw.js"), "rb") as source:
        response = current_app.response_class(source.read(), mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"  # the browser asks again; an unchanged one is a 304
    response.add_etag()
    return response.make_conditional(request)
