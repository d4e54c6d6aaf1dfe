"""Hostile text for the stored-XSS and injection tests; extend the lists, not the tests."""

from markupsafe import escape

# Each fits the shortest column it is stored in (50 characters).
PAYLOADS = [
    '<script>alert("xss-1")</script>',
    '"><img src=x onerror=alert(2)>',
    "' onmouseover='alert(3)' x='",
    "</textarea><svg/onload=alert(4)>",
    "Robert'); DROP TABLE people;--",
    "' OR '1'='1' --",
    "{{ 7*7 }}{% if 1 %}ssti{% endif %}",
    "javascript:alert(5)",
    '\\"; alert(6); //',
    "<a href='//evil.example'>点我</a>",
]
HTML_SPECIAL = set("<>&\"'")


def is_markup(payload):
    return bool(HTML_SPECIAL & set(payload))


def rendering_problems(body, payloads=PAYLOADS, must_show=True):
    """What is wrong with how a page shows hostile text: raw markup, or the text missing."""
    problems = []
    for payload in payloads:
        if is_markup(payload) and payload in body:
            problems.append(f"raw {payload!r}")
        if must_show and str(escape(payload)) not in body:
            problems.append(f"{payload!r} not shown as text")
    return problems
