"""Defaults in code, then instance/config.py, then DONGQIAN_* environment variables."""

import base64
import os

PREFIX = "DONGQIAN"

DEFAULTS = {
    "SECRET_KEY": None,  # required: instance/config.py or DONGQIAN_SECRET_KEY
    "PII_KEY": None,  # required: base64 of 32 bytes, encrypts ID numbers at rest
    "SQLALCHEMY_DATABASE_URI": None,  # default: SQLite file in the instance folder
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SQLITE_BUSY_TIMEOUT_MS": 5000,
    "PROCESS_DEFINITION": os.path.join(os.path.dirname(__file__), "process.toml"),
    "BABEL_DEFAULT_LOCALE": "zh",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
    "LANGUAGES": ["zh", "en"],
    "CASES_PER_PAGE": 50,
    "WTF_CSRF_TIME_LIMIT": None,  # the session bounds the token's life
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,  # set True behind HTTPS (docs/deploy.md)
    "TRUSTED_PROXIES": 0,  # reverse proxies in front whose X-Forwarded-* are trusted (docs/deploy.md)
}


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the message names it in one line."""


def apply_defaults(app):
    """Load defaults, then instance/config.py, then the environment."""
    app.config.from_mapping(DEFAULTS)


def finish(app):
    """Fill derived settings and stop start-up on a missing or wrong one."""
    cfg = app.config
    if not cfg.get("SQLALCHEMY_DATABASE_URI"):
        path = os.path.join(app.instance_path, "dongqian.sqlite3")
        cfg["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + path
    uri = cfg["SQLALCHEMY_DATABASE_URI"]
    if not uri.startswith(("sqlite:", "postgresql")):
        raise ConfigError(
            f"SQLALCHEMY_DATABASE_URI: unsupported database {uri.split(':', 1)[0]!r}"
            " (use sqlite:/// or postgresql+psycopg://)"
        )
    if uri.startswith("postgresql://"):
        cfg["SQLALCHEMY_DATABASE_URI"] = uri.replace("postgresql://", "postgresql+psycopg://", 1)
    if not cfg.get("SECRET_KEY"):
        raise ConfigError(
            "SECRET_KEY is not set: put it in instance/config.py or DONGQIAN_SECRET_KEY"
        )
    check_pii_key(cfg.get("PII_KEY"))
    if not os.path.isfile(cfg["PROCESS_DEFINITION"]):
        raise ConfigError(f"PROCESS_DEFINITION: no such file {cfg['PROCESS_DEFINITION']}")


def check_pii_key(value):
    """Require a base64-encoded 32-byte key."""
    if not value:
        raise ConfigError("PII_KEY is not set: put it in instance/config.py or DONGQIAN_PII_KEY")
    try:
        raw = base64.b64decode(value, validate=True)
    except (ValueError, TypeError):
        raise ConfigError("PII_KEY is not valid base64") from None
    if len(raw) != 32:
        raise ConfigError(f"PII_KEY must decode to 32 bytes, not {len(raw)}")
