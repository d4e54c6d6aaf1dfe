"""Check the scheduler's settings at start-up and read them in the shapes jobs need."""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app

from workflow.settings import ConfigError

CHANNELS = ("inbox", "email", "webhook")
SECURITY = ("none", "starttls", "ssl")
POSITIVE = ("REMINDER_SCAN_MINUTES", "MOBILITY_REMINDER_MINUTES", "DELIVERY_INTERVAL_SECONDS", "DELIVERY_BATCH",
            "DELIVERY_MAX_ATTEMPTS", "DELIVERY_BACKOFF_SECONDS", "SCHEDULER_HEARTBEAT_SECONDS",
            "SCHEDULER_STALE_SECONDS", "SCHEDULER_MISFIRE_GRACE_SECONDS", "ESCALATION_DAYS", "ESCALATION_LEVELS",
            "SERIOUS_NO_CONTACT_DAYS", "DIGEST_MAX_ITEMS", "SMTP_PORT")


def check(cfg):
    """Stop start-up with one line naming a wrong scheduler setting."""
    try:
        ZoneInfo(cfg["SCHEDULER_TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ConfigError(f"SCHEDULER_TIMEZONE: unknown time zone {cfg['SCHEDULER_TIMEZONE']!r}") from None
    parse_clock(cfg["DIGEST_TIME"])
    unknown = sorted(set(cfg["NOTIFY_CHANNELS"]) - set(CHANNELS))
    if unknown:
        raise ConfigError(f"NOTIFY_CHANNELS: unknown channel {unknown[0]!r} (use {', '.join(CHANNELS)})")
    if cfg["SMTP_SECURITY"] not in SECURITY:
        raise ConfigError(f"SMTP_SECURITY: use one of {', '.join(SECURITY)}")
    for name in POSITIVE:
        if not isinstance(cfg[name], int | float) or isinstance(cfg[name], bool) or cfg[name] <= 0:
            raise ConfigError(f"{name}: a positive number is needed, not {cfg[name]!r}")
    if not isinstance(cfg["REMINDER_LEAD_DAYS"], int | float) or cfg["REMINDER_LEAD_DAYS"] < 0:
        raise ConfigError("REMINDER_LEAD_DAYS: zero or a positive number of days")


def parse_clock(value):
    """Return a time from "HH:MM", or raise ConfigError naming DIGEST_TIME."""
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", str(value))
    if not match:
        raise ConfigError(f"DIGEST_TIME: use HH:MM (24-hour), not {value!r}")
    return time(int(match[1]), int(match[2]))


def zone():
    """The scheduler's local time zone."""
    return ZoneInfo(current_app.config["SCHEDULER_TIMEZONE"])


def digest_clock():
    return parse_clock(current_app.config["DIGEST_TIME"])


def days(name):
    """A setting in days, as a timedelta."""
    return timedelta(days=current_app.config[name])


def parse_instant(text):
    """Read an ISO instant; a time without an offset is local (SCHEDULER_TIMEZONE)."""
    value = datetime.fromisoformat(text.strip())
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone())
    return value


def local(value, fmt="%Y-%m-%d %H:%M"):
    """Show an instant in the scheduler's local time."""
    return value.astimezone(zone()).strftime(fmt)


