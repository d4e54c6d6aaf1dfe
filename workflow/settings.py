"""Defaults in code, then instance/config.py, then DONGQIAN_* environment variables."""

import base64
import os
from datetime import timedelta

PREFIX = "DONGQIAN"

DEFAULTS = {
    "SECRET_KEY": None,  # required: instance/config.py or DONGQIAN_SECRET_KEY
    "PII_KEY": None,  # required: base64 of 32 bytes, encrypts ID numbers at rest
    "SQLALCHEMY_DATABASE_URI": None,  # default: SQLite file in the instance folder
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SQLITE_BUSY_TIMEOUT_MS": 5000,
    "PROCESS_DEFINITION": os.path.join(os.path.dirname(__file__), "process.toml"),
    "MOBILITY_POLICY": os.path.join(os.path.dirname(__file__), "mobility.toml"),  # 流动党员 rules
    # The report upward's template (docs/reports.md): its columns, labels and reminder days.
    "MONTHLY_REPORT_TEMPLATE": os.path.join(os.path.dirname(__file__), "monthly_report.toml"),
    "BABEL_DEFAULT_LOCALE": "zh",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
    "LANGUAGES": ["zh", "en"],
    "CASES_PER_PAGE": 50,
    "WTF_CSRF_TIME_LIMIT": None,  # the session bounds the token's life
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    # Secure by default; `make run` (plain http on 127.0.0.1) turns it off (docs/security.md).
    "SESSION_COOKIE_SECURE": True,
    "SESSION_IDLE_MINUTES": 30,  # a session unused this long ends
    "SESSION_ABSOLUTE_HOURS": 12,  # and every session ends this long after login
    # An unchanged session is not re-signed and re-sent on every response: web/sessions.py
    # re-sends it when it records activity, at most once a minute.
    "SESSION_REFRESH_EACH_REQUEST": False,
    "LOGIN_FAILURE_WINDOW_MINUTES": 15,
    "LOGIN_MAX_FAILURES_PER_ACCOUNT": 5,  # within the window, counted in the database
    "LOGIN_MAX_FAILURES_PER_ADDRESS": 20,
    "PASSWORD_MIN_LENGTH": 12,
    # How new passwords are hashed (werkzeug); only scrypt or pbkdf2:… is accepted. The suite
    # uses a cheap pbkdf2 so its hundreds of log-ins do not spend minutes hashing.
    "PASSWORD_HASH_METHOD": "scrypt",
    "PII_PREVIOUS_KEYS": [],  # old PII_KEYs still read until `flask pii rotate-key` ran
    "PII_REVEAL_ROLES": ["worker", "supervisor"],  # may show a full ID number, audited
    "PROXY_FIX_X_FOR": 0,  # trusted reverse proxies in front (X-Forwarded-For/-Proto)
    # What one roster upload may cost (workflow/roster/limits.py, docs/security.md); the
    # first limit passed refuses the file with a Chinese reason.
    "ROSTER_MAX_ROWS": 20000,  # data rows of one import
    "ROSTER_MAX_COLUMNS": 100,  # a value further right refuses the file
    "ROSTER_MAX_CELLS": 500_000,  # cells read (empty ones too), or declared by <dimension>
    "ROSTER_MAX_SECONDS": 5,  # reading stops after this long
    "ROSTER_MAX_UNPACKED_BYTES": 50 * 1024 * 1024,  # .xlsx: the zip members' declared sizes, summed
    "ROSTER_MAX_ZIP_RATIO": 100,  # .xlsx: declared size / compressed size of a member over 1 MB
    "ROSTER_MAX_LINE_CHARS": 10_000,  # .csv: one line, or one quoted value over several
    # Scheduler and reminders (docs/scheduler.md); checked by scheduler.settings.
    "SCHEDULER_TIMEZONE": "Asia/Shanghai",  # local time of the digest and of message text
    "REMINDER_LEAD_DAYS": 2,  # remind the worker this many days before a deadline
    "ESCALATION_DAYS": 7,  # overdue longer than this: the nearest supervisors' daily 督办 list
    "ESCALATION_LEVELS": 1,  # how many supervisor levels above a case are told (escalation, lost, serious)
    "ESCALATE_AT_ONCE_STATES": ["lost"],  # these states go to the supervisors at once
    "SERIOUS_NO_CONTACT_DAYS": 182,  # six months without contact: a serious case
    "MEMBER_REMINDERS": False,  # 组织生活 reminders to party members themselves
    "MEMBER_REMINDER_STATES": ["following"],
    "DIGEST_TIME": "08:30",  # daily digest per worker, local time (HH:MM)
    "DIGEST_MAX_ITEMS": 20,  # cases listed per section of a digest
    "NOTIFY_CHANNELS": ["inbox", "email", "webhook"],  # channels that may be used
    "WEBHOOK_KINDS": ["escalation", "lost", "serious"],  # also posted to the unit's group robot
    "WEBHOOK_PREFIX": "【动迁登记跟踪】",  # first words of a robot message (钉钉 keyword check)
    "WEBHOOK_TIMEOUT_SECONDS": 10,
    "SMTP_HOST": None,  # e-mail is off until a host is set
    "SMTP_PORT": 25,
    "SMTP_SENDER": "dongqian@localhost",
    "SMTP_USERNAME": None,
    "SMTP_PASSWORD": None,
    "SMTP_SECURITY": "none",  # none, starttls or ssl
    "SMTP_TIMEOUT_SECONDS": 10,
    "PUBLIC_BASE_URL": None,  # e.g. https://dongqian.example.gov.cn; links in e-mail and robot text
    "REMINDER_SCAN_MINUTES": 15,
    "MOBILITY_REMINDER_MINUTES": 60,  # 流动党员 reminders: one run reads every party member (docs/mobile-members.md)
    "DELIVERY_INTERVAL_SECONDS": 60,
    "DELIVERY_BATCH": 200,
    "DELIVERY_MAX_ATTEMPTS": 8,
    "DELIVERY_BACKOFF_SECONDS": 60,  # doubles after every failed attempt
    "DELIVERY_BACKOFF_MAX_SECONDS": 6 * 3600,
    "SCHEDULER_HEARTBEAT_SECONDS": 30,
    "SCHEDULER_STALE_SECONDS": 180,  # /healthz calls a heartbeat older than this stale
    "SCHEDULER_MISFIRE_GRACE_SECONDS": 12 * 3600,  # downtime shorter than this is caught up
    "SCHEDULER_LEADER_RETRY_SECONDS": 5,  # how often a waiting scheduler tries the lock
    "SCHEDULER_LOCK_FILE": None,  # SQLite: default <database file>.scheduler.lock
    # The member's own link on the contact card (docs/member-link.md).
    "MEMBER_LINK_DAYS": 730,  # a card's link works this long after it was issued
    "MEMBER_VISIT_MINUTES": 15,  # a verified visit of the member page lasts this long
    "MEMBER_VERIFY_MAX_FAILURES": 5,  # wrong answers in a row that lock a link
    "MEMBER_VERIFY_MAX_PER_ADDRESS": 20,  # wrong answers from one address in the window, then refused
    "MEMBER_VERIFY_WINDOW_MINUTES": 15,
    "MEMBER_CHECKIN_REMINDERS": False,  # ask members to 平安报到 when their follow-up comes due
    "MEMBER_CHECKIN_CHANNELS": ["webhook", "email", "sms"],  # how they are asked, where possible
    "SMS_GATEWAY_URL": None,  # SMS is off until set: JSON over HTTP POST (docs/member-link.md)
    "SMS_GATEWAY_USERNAME": None,  # HTTP Basic credentials of the gateway account
    "SMS_GATEWAY_PASSWORD": None,
    "SMS_SIGN": "【动迁登记跟踪】",  # the registered signature the text starts with
    "SMS_TIMEOUT_SECONDS": 10,
    # Offline work on the phone (docs/offline.md): the service worker, the cache, the queue.
    "OFFLINE_ENABLED": True,  # False: no service worker; phones that have one remove it and their caches
    "OFFLINE_MAX_DAYS": 3,  # a phone offline longer than this wipes its cached pages and queue
    "OFFLINE_MAX_ITEMS": 50,  # queued items in one POST /offline/sync
    "OFFLINE_MAX_BYTES": 64 * 1024,  # the body of one POST /offline/sync; more answers 413
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
    previous = cfg.get("PII_PREVIOUS_KEYS") or []
    if isinstance(previous, str):  # DONGQIAN_PII_PREVIOUS_KEYS=key1,key2 (not JSON)
        previous = [k.strip() for k in previous.split(",") if k.strip()]
    for old in previous:
        check_pii_key(old, "PII_PREVIOUS_KEYS")
    cfg["PII_PREVIOUS_KEYS"] = list(previous)
    method = cfg.get("PASSWORD_HASH_METHOD") or ""
    if not (method == "scrypt" or method.startswith(("scrypt:", "pbkdf2:"))):
        raise ConfigError(
            f"PASSWORD_HASH_METHOD: {method!r} is not a password hash (use scrypt or pbkdf2:sha256)"
        )
    cfg["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=cfg["SESSION_ABSOLUTE_HOURS"])
    for key in ("PROCESS_DEFINITION", "MONTHLY_REPORT_TEMPLATE"):
        if not os.path.isfile(cfg[key]):
            raise ConfigError(f"{key}: no such file {cfg[key]}")


def check_pii_key(value, name="PII_KEY"):
    """Require a base64-encoded 32-byte key."""
    if not value:
        raise ConfigError(f"{name} is not set: put it in instance/config.py or DONGQIAN_{name}")
    try:
        raw = base64.b64decode(value, validate=True)
    except (ValueError, TypeError):
        raise ConfigError(f"{name} is not valid base64") from None
    if len(raw) != 32:
        raise ConfigError(f"{name} must decode to 32 bytes, not {len(raw)}")
