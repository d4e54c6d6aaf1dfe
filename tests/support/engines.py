"""One SQLAlchemy engine per test database name for all the suite's apps, so each worker
compiles a statement once, not once per test.

SQLAlchemy keeps compiled SQL per engine, and every test's app made a new engine: a tenth
of the workers' time went into compiling the same statements again (py-spy over a whole
run). The `database` fixture (tests/conftest.py) hands out the same URL to each test of a
worker (same file path, same PostgreSQL name, the copy made afresh) and registers it here;
an app on a registered URL gets the engine made for it before, its pool emptied after each
test. Any other URL gets a new engine, as in production. Installed by tests/conftest.py;
the app itself is unchanged.
"""

import flask_sqlalchemy.extension

_make = flask_sqlalchemy.extension.SQLAlchemy._make_engine
_shared = {}  # (url, options) -> engine
_registered = set()  # URLs the database fixture re-creates for every test
CACHE_SIZE = 5000  # compiled statements kept per engine (SQLAlchemy's default: 500)


def register(url):
    _registered.add(url)


def release(url):
    """Close the pooled connections to url's database (before it is dropped or replaced)."""
    for (shared_url, _options), engine in _shared.items():
        if shared_url == url:
            engine.dispose()


def _make_engine(self, bind_key, options, app):
    url = str(options.get("url"))
    if url not in _registered:
        return _make(self, bind_key, options, app)
    options = {"query_cache_size": CACHE_SIZE, **options}
    key = (url, repr(sorted((k, v) for k, v in options.items() if k != "url")))
    if key not in _shared:
        _shared[key] = _make(self, bind_key, options, app)
    return _shared[key]


def install():
    flask_sqlalchemy.extension.SQLAlchemy._make_engine = _make_engine
