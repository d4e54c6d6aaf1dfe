"""Translations: Chinese by default (the msgids are Chinese), English on request.

The English catalogue lives in web/i18n/en/*.po, one file per area, and is compiled
into web/translations/ at start-up when it is missing or older than its sources.
"""

import glob
import os

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Blueprint, current_app, has_request_context, redirect, request, session, url_for
from flask_babel import Babel, format_datetime, get_timezone, get_translations

HERE = os.path.dirname(__file__)
SOURCES = os.path.join(HERE, "i18n")
COMPILED = os.path.join(HERE, "translations")

bp = Blueprint("i18n", __name__)


def compile_catalogs():
    """Merge each language's .po files into one messages.mo when sources changed."""
    for folder in sorted(glob.glob(os.path.join(SOURCES, "*"))):
        language = os.path.basename(folder)
        sources = sorted(glob.glob(os.path.join(folder, "*.po")))
        target = os.path.join(COMPILED, language, "LC_MESSAGES", "messages.mo")
        newest = max((os.path.getmtime(p) for p in sources), default=0)
        if os.path.exists(target) and os.path.getmtime(target) >= newest:
            continue
        merged = Catalog(locale=language)
        for path in sources:
            with open(path, "rb") as handle:
                for message in read_po(handle, locale=language):
                    if message.id and message.string:
                        merged.add(message.id, message.string)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        partial = target + f".{os.getpid()}.tmp"
        with open(partial, "wb") as handle:
            write_mo(handle, merged)
        os.replace(partial, target)  # atomic: several workers may start at once


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
NUMERIC_PATTERNS = {"yyyy-MM-dd HH:mm": "%Y-%m-%d %H:%M", "MM-dd HH:mm": "%m-%d %H:%M", "yyyy-MM-dd": "%Y-%m-%d"}


def local_time(value, fmt="yyyy-MM-dd HH:mm"):
    """Show an aware UTC datetime in Asia/Shanghai (the configured zone)."""
    if not value:
        return ""
    pattern = NUMERIC_PATTERNS.get(fmt)
    if pattern is None:
        return format_datetime(value, fmt)
    return value.astimezone(_timezone()).strftime(pattern)


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
    compile_catalogs()
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", COMPILED)
    Babel(app, locale_selector=select_locale)
    _install_fast_gettext(app)
    app.register_blueprint(bp)
    app.jinja_env.filters["local_time"] = local_time
