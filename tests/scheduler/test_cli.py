"""Operators: `flask scheduler run-once --at`, `flask scheduler status`, /healthz, the job table."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from scheduler import jobs, runner
from tests.scheduler.conftest import frozen, local
from tests.support.factories import TEST_CONFIG
from workflow.db import db
from workflow.models import Delivery, InboxItem
from workflow.settings import ConfigError
from wsgi import create_app

T0 = local(2026, 11, 20, 9, 0)


def test_run_once_at_an_instant_runs_every_job_and_prints_what_it_did(runner_, make):
    with frozen(T0 - timedelta(days=5)):
        make.case()  # due 11-22: nine days late on 12-01, escalated
    with frozen(T0):
        make.case("lost")
    with frozen(T0 + timedelta(days=10)):
        make.case()  # due 12-07: not yet near
    result = runner_.invoke(args=["scheduler", "run-once", "--at", "2026-12-01T08:30+08:00"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "as of 2026-12-01 08:30 Asia/Shanghai (2026-12-01T08:30:00+08:00)",
        "scan_due: 2 due cases needed a look; wrote 2 reminders (lost 1, overdue 1);"
        " 0 were in the outbox already",
        # the worker's digest, and the community supervisor's with the escalated case on its 督办 list
        "daily_digest: digest for 2026-12-01: 2 people with work due; wrote 2 digests; 0 were in the outbox already",
        "mobility_reminders: wrote 0 reminders (none); 0 were in the outbox already",
        "monthly_reports: monthly report 2026-11: reminders start on day 5",
        "deliver: 4 deliveries tried: sent 4",
    ]
    assert db.session.scalar(select(func.count(InboxItem.id))) == 4
    again = runner_.invoke(args=["scheduler", "run-once", "--at", "2026-12-01T08:30+08:00"])
    assert "scan_due: 0 due cases needed a look; wrote 0 reminders (none)" in again.output
    assert "deliver: 0 deliveries tried: nothing due" in again.output


def test_rescan_makes_the_next_scan_read_every_due_case_and_write_nothing_twice(runner_, make):
    with frozen(T0 - timedelta(days=5)):
        make.case()
    with frozen(T0):
        make.case("lost")
    runner_.invoke(args=["scheduler", "run-once", "--at", "2026-12-01T08:30+08:00"])
    cleared = runner_.invoke(args=["scheduler", "rescan"])
    assert cleared.exit_code == 0, cleared.output
    assert "cleared the scan marks of 2 cases" in cleared.output
    again = runner_.invoke(args=["scheduler", "run-once", "--at", "2026-12-01T08:30+08:00"])
    assert "scan_due: 2 due cases needed a look; wrote 0 reminders (none); 2 were in the outbox already" \
        in again.output


def test_run_once_refuses_a_time_that_is_not_iso(runner_):
    result = runner_.invoke(args=["scheduler", "run-once", "--at", "next tuesday"])
    assert result.exit_code != 0 and "not an ISO instant: 'next tuesday'" in result.output


def test_run_once_refuses_while_a_scheduler_holds_the_leader_lock(runner_, app):
    from scheduler import leader

    held = leader.make_lock(app)
    assert held.try_acquire()
    try:
        result = runner_.invoke(args=["scheduler", "run-once"])
    finally:
        held.release()
    assert result.exit_code != 0 and "holds the leader lock" in result.output
    assert db.session.scalar(select(func.count(Delivery.id))) == 0


def test_status_shows_jobs_next_runs_and_the_last_heartbeat(runner_, app, client):
    before = runner_.invoke(args=["scheduler", "status"]).output
    assert "leader: none - no heartbeat yet" in before
    assert "  daily_digest  cron[hour='8', minute='30']" in before
    assert client.get("/healthz").get_json()["scheduler"]["state"] == "never"
    with frozen(local(2026, 12, 1, 8, 0)):
        scheduler = started(app)
        try:
            jobs.heartbeat()
            jobs.scan_due()
        finally:
            scheduler.shutdown(wait=False)
        out = runner_.invoke(args=["scheduler", "status"]).output.splitlines()
        health = client.get("/healthz").get_json()
    assert out[0] == "times in Asia/Shanghai"
    assert out[1] == "leader: test-holder; last heartbeat 2026-12-01 08:00:00 (0 s ago, ok)"
    lines = {line.split()[0]: line for line in out[3:]}
    assert set(lines) == {"scan_due", "daily_digest", "mobility_reminders", "monthly_reports", "deliver", "heartbeat"}
    assert "next 2026-12-01 08:30  last never" in lines["daily_digest"]
    assert "next 2026-12-01 08:15" in lines["scan_due"]
    assert "last 2026-12-01 08:00 (as of 2026-12-01 08:00): 0 due cases needed a look" in lines["scan_due"]
    assert "last 2026-12-01 08:00 (as of 2026-12-01 08:00): leader test-holder alive" in lines["heartbeat"]
    assert health["status"] == "ok" and health["scheduler"]["state"] == "ok"
    assert health["scheduler"]["leader"] == "test-holder"
    with frozen(local(2026, 12, 1, 8, 10)):
        late = client.get("/healthz")
    assert late.status_code == 200 and late.get_json()["scheduler"]["state"] == "stale"
    assert late.get_json()["scheduler"]["age_seconds"] == 600


def started(app):
    """A paused background scheduler with the jobs registered: nothing runs by itself."""
    scheduler = runner.build(app.config, blocking=False)
    scheduler.start(paused=True)
    runner.register(scheduler, app.config, jobs.utcnow())
    jobs.bind(app, scheduler=scheduler, lock=None, holder="test-holder", started_at=jobs.utcnow())
    return scheduler


def test_jobs_have_fixed_ids_coalesce_never_overlap_and_reregistering_replaces(app):
    with frozen(local(2026, 12, 1, 8, 0)):
        scheduler = started(app)
        try:
            runner.register(scheduler, app.config, jobs.utcnow())  # a second start-up
            found = scheduler.get_jobs()
        finally:
            scheduler.shutdown(wait=False)
    assert sorted(j.id for j in found) == ["daily_digest", "deliver", "heartbeat", "mobility_reminders", "monthly_reports", "scan_due"]
    for job in found:
        assert job.coalesce is True and job.max_instances == 1
        assert job.misfire_grace_time == 12 * 3600
        assert job.func.__module__ == "scheduler.jobs"


@pytest.mark.parametrize(("started_at", "first_digest"), [
    (local(2026, 12, 1, 8, 0), local(2026, 12, 1, 8, 30)),  # before today's run: as scheduled
    (local(2026, 12, 1, 19, 0), local(2026, 12, 1, 8, 30)),  # down at 08:30: caught up at once
    (local(2026, 12, 1, 22, 0), local(2026, 12, 2, 8, 30)),  # missed by more than the grace: next one
])
def test_downtime_within_the_grace_is_caught_up_by_one_run(app, started_at, first_digest):
    with frozen(started_at):
        scheduler = started(app)
        try:
            digest = scheduler.get_job("daily_digest").next_run_time
            scan = scheduler.get_job("scan_due").next_run_time
        finally:
            scheduler.shutdown(wait=False)
    assert digest == first_digest
    assert scan == started_at  # the scan runs at start-up: it reads every deadline as of now


@pytest.mark.parametrize(("name", "value", "message"), [
    ("DIGEST_TIME", "8.30", "DIGEST_TIME: use HH:MM"),
    ("SCHEDULER_TIMEZONE", "Mars/Olympus", "SCHEDULER_TIMEZONE: unknown time zone"),
    ("NOTIFY_CHANNELS", ["inbox", "sms"], "NOTIFY_CHANNELS: unknown channel 'sms'"),
    ("ESCALATION_DAYS", 0, "ESCALATION_DAYS: a positive number is needed"),
    ("SMTP_SECURITY", "tls", "SMTP_SECURITY: use one of none, starttls, ssl"),
])
def test_a_wrong_scheduler_setting_stops_start_up_naming_it(tmp_path, monkeypatch, name, value, message):
    monkeypatch.setenv("DONGQIAN_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigError, match=message):
        create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite3", name: value})


@pytest.fixture
def runner_(app):
    return app.test_cli_runner()
