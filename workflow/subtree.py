"""Subtree conditions on materialised paths that use the path indexes on every backend."""

import re

from workflow.db import db

_PATH = re.compile(r"^/(\d+/)+$")


def under(column, path):
    """Return a SQL condition: the path in column lies in the subtree at path.

    SQLite's LIKE is case-insensitive and cannot use a plain index, GLOB can; on
    PostgreSQL the path indexes carry text_pattern_ops, which serve LIKE 'prefix%'.
    Paths hold only digits and slashes, so neither pattern needs escaping.
    """
    if not _PATH.match(path or ""):
        raise ValueError(f"not an org path: {path!r}")
    if db.session.get_bind().dialect.name == "sqlite":
        return column.op("GLOB")(path + "*")
    return column.like(path + "%")


def pattern(path):
    """The LIKE pattern of the subtree at path, for a statement built once with a bound
    parameter (SQLite uses the index for it too: workflow/db.py turns on case_sensitive_like)."""
    if not _PATH.match(path or ""):
        raise ValueError(f"not an org path: {path!r}")
    return path + "%"
