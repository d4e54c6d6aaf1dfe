"""Subtree conditions on materialised paths that use the path indexes on every backend."""

import re

from sqlalchemy import and_, bindparam

from workflow.db import db

_PATH = re.compile(r"^/(\d+/)+$")


def checked(path):
    """Return path when it is an org path ("/1/5/"); raise ValueError otherwise."""
    if not _PATH.match(path or ""):
        raise ValueError(f"not an org path: {path!r}")
    return path


def _end(path):
    # The first string after every path that starts with path: its last "/" raised by one
    # ("/1/5/" -> "/1/50"); paths hold only digits and slashes, and "0" follows "/".
    return path[:-1] + "0"


def under(column, path):
    """Return a SQL condition: the path in column lies in the subtree at path.

    SQLite's LIKE is case-insensitive and cannot use a plain index, GLOB can. On
    PostgreSQL the path indexes carry text_pattern_ops; their byte-wise range operators
    take the subtree as a range with bound values, which a prepared statement's generic
    plan can use (LIKE 'prefix%' with a bound pattern is planned again on every run).
    """
    checked(path)
    if db.session.get_bind().dialect.name == "sqlite":
        return column.op("GLOB")(path + "*")
    return _between(column, path, _end(path))


def _between(column, start, end):
    return and_(column.op("~>=~", is_comparison=True)(start), column.op("~<~", is_comparison=True)(end))


def bound_under(column, dialect_name):
    """under() for a statement built once: the subtree comes as bound values (bounds())."""
    start, end = bindparam("subtree_start"), bindparam("subtree_end")
    if dialect_name == "sqlite":  # byte-wise comparisons there too (BINARY collation), on the index
        return and_(column >= start, column < end)
    return _between(column, start, end)


def bounds(path):
    """The bound values of bound_under() for the subtree at path."""
    return {"subtree_start": checked(path), "subtree_end": _end(path)}


def pattern(path):
    """The LIKE pattern of the subtree at path, for small tables read with a bound pattern
    (SQLite uses the index for it too: workflow/db.py turns on case_sensitive_like)."""
    return checked(path) + "%"
