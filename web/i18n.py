"""Translations: Chinese by default (the msgids are Chinese), English on request.

The English catalogue lives in web/i18n/en/*.po, one file per area. `make translations`
(i18n/build.py) compiles it into build/translations/, where the app reads it; the app
never writes into its source tree at start-up.
"""

import os
from datetime import datetime

from flask import Blueprint, current_app, has_request_context, redirect, request, session, url_for
from flask_babel import Babel, format_datetime, get_timezone, get_translations

COMPILED = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "build", "translations")

bp = Blueprint("i18n", __name__)


def select_locale():
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    language = session.get("lang")
    if language in current_app.config["LANGUAGES"]:
        return language
    return current_app.config["BABEL_DEFAULT_LOCALE"]


@bp.get("/lang/<code>")
def switch_language(code):
    """Remember the chosen language and go back."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    target = request.referrer or url_for("cases.index")
    if not target.startswith(request.host_url):
        target = url_for("cases.index")
    return redirect(target)


# CLDR patterns made only of numbers read the same in every language; lists show dozens
# of times per page, so these skip Babel's locale machinery (about 20 µs each).
OTHER_YEAR = "%Y-%m-%d"  # a short time not in this year is shown as its date with the year
NUMERIC_PATTERNS = {"yyyy-MM-dd HH:mm": "%Y-%m-%d %H:%M", "MM-dd HH:mm": "%m-%d %H:%M", "yyyy-MM-dd": "%Y-%m-%d"}


def local_time(value, fmt="yyyy-MM-dd HH:mm"):
    """Show an aware UTC datetime in Asia/Shanghai (the configured zone)."""
    if not value:
        return ""
    pattern = NUMERIC_PATTERNS.get(fmt)
    if pattern is None:
        return format_datetime(value, fmt)
    local = value.astimezone(_timezone())
    if fmt == "MM-dd HH:mm" and local.year != datetime.now(local.tzinfo).year:
        return local.strftime(OTHER_YEAR)  # "06-24 20:13" of another year would mislead
    return local.strftime(pattern)


def _timezone():
    """The request's zone, looked up once per request (a page shows a dozen times or more)."""
    if not has_request_context():
        return get_timezone()
    found = getattr(request, "dongqian_timezone", None)
    if found is None:
        found = request.dongqian_timezone = get_timezone()
    return found


def _translations():
    """The request's catalogue, looked up once per request (Flask-Babel's lookup is per call)."""
    if not has_request_context():
        return get_translations()
    found = getattr(request, "dongqian_translations", None)
    if found is None:
        found = request.dongqian_translations = get_translations()
    return found


def _install_fast_gettext(app):
    """Give templates the same gettext as Flask-Babel's, minus the per-call lookup."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )


def init_app(app):
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", COMPILED)
    Babel(app, locale_selector=select_locale)
    _install_fast_gettext(app)
    app.register_blueprint(bp)
    app.jinja_env.filters["local_time"] = local_time
