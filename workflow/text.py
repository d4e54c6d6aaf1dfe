"""Pick the label of the current language from a (Chinese, English) pair."""

from flask import has_request_context
from flask_babel import get_locale


def current_language():
    """Return "zh" or "en"; outside a request Chinese, the default."""
    if not has_request_context():
        return "zh"
    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else "zh"


def label(pair):
    """Return pair[0] (Chinese) or pair[1] (English) for the current language."""
    return pair[1] if current_language() == "en" else pair[0]


def N_(message):
    """Mark a message for extraction (i18n/build.py); it is translated where shown, with _(value)."""
    return message
