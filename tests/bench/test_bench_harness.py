"""The benchmark harness end to end on a tiny district: every benchmark runs and reports numbers."""

import json

import pytest
from sqlalchemy import text

from bench import district_work, mobility, web
from bench.__main__ import main, parse
from bench.context import prepare_postgresql, prepare_sqlite
from bench.load import Stats, get
from bench.registry import BENCHMARKS, selected
from workflow.db import db

TINY = ["--cases", "400", "--workers", "1", "--connections", "2", "--duration", "0.3", "--rounds", "1",
        "--requests", "200", "--transitions", "20", "--paced-rate", "20", "--roster-rows", "100"]


@pytest.mark.heavy
def test_a_tiny_run_measures_every_benchmark_and_writes_the_report(tmp_path, monkeypatch):
    monkeypatch.setenv("DONGQIAN_INSTANCE_PATH", str(tmp_path / "instance"))
    assert main([*TINY, "--out", str(tmp_path)]) == 0
    report = json.loads((tmp_path / "results.json").read_text())
    results = {r["name"]: r for r in report["results"]}
    assert set(results) == {b.name for b in selected(None, "sqlite")}
    for name in ("due_list", "case_page", "transition", "follow_up"):
        assert results[name]["ours"] > 0 and results[name]["baseline"] > 0 and results[name]["ratio"] > 0
        assert results[name]["met"] in (True, False)
    for name in ("due_list", "case_page"):
        assert results[name]["details"]["ours"]["errors"] == 0
        assert results[name]["details"]["ours"]["p95_ms"] > 0
    assert results["memory"]["details"]["requests"] >= 200
    for name in ("scheduler_scan", "dashboard", "roster_import"):
        assert results[name]["baseline"] > 0 and results[name]["ours"] > 0
        assert results[name]["met"] in (True, False) and results[name]["note"] == ""
    scan = results["scheduler_scan"]["details"]  # steady state after the catch-up run
    assert scan["ours_found"] == scan["due_rows"] < scan["catch_up_cases"] == scan["catch_up_read_rows"]
    assert results["dashboard"]["details"]["subtree_cases"] > 0
    assert results["roster_import"]["details"]["ours_imported"] == 100
    assert results["mobility"]["ours"] > 0 and results["mobility"]["baseline"] > 0
    assert results["mobility"]["details"]["current_records"] > 0  # the generator gives moved-out members a situation
    assert report["machine"]["nproc"] >= 1 and report["runs"][0]["district"]["cases"] == 400
    markdown = (tmp_path / "report.md").read_text()
    assert "| due_list | sqlite |" in markdown and "SQLite" in markdown


@pytest.fixture
def district(backend, request, tmp_path, monkeypatch):
    """A tiny generated district on the backend, the bench way (the harness's own setup)."""
    monkeypatch.setenv("DONGQIAN_INSTANCE_PATH", str(tmp_path / "instance"))
    common = ["--roster-rows", "30", "--workers", "1", "--out", str(tmp_path)]
    if backend == "sqlite":
        ctx = prepare_sqlite(parse(["--cases", "200", *common]), str(tmp_path))
    else:
        url = request.getfixturevalue("pg_server").url("postgres")
        ctx = prepare_postgresql(parse(["--pg-cases", "200", "--pg-url", url, *common]), str(tmp_path))
    yield ctx
    ctx.close()


def test_the_baseline_pages_show_the_rows_ours_show(district):
    ours, base, cookie = web.servers(district)
    web._same_due_rows(ours.port, base.port, {"Cookie": cookie})  # names, masked ids, 共N件
    web._same_case_rows(district.case_ids)(ours.port, base.port, {"Cookie": cookie})  # 五必登, timeline
    _status, _headers, page = get(base.port, f"/cases/{district.case_ids[0]}")
    assert web.REGISTER.findall(page) and web.TIMELINE.findall(page)


def test_the_real_parts_find_what_their_baselines_find(district):
    [scan] = district_work.scheduler_scan(district)
    [board] = district_work.dashboard(district)
    [imported] = district_work.roster_import(district)
    [tiles] = mobility.mobility_tiles(district)
    with district.app().app_context():
        people = db.session.scalar(text("SELECT count(*) FROM people WHERE name LIKE '花名册%'"))
        phones = db.session.scalar(text("SELECT count(*) FROM registration_entries WHERE source = 'import'"))
    assert scan.ours is not None and scan.ratio is not None and scan.note == ""
    assert scan.details["ours_found"] == scan.details["due_rows"] < scan.details["catch_up_cases"]
    assert scan.details["catch_up_cases"] == scan.details["catch_up_read_rows"] > 0
    assert scan.details["catch_up_reminders"] > 0
    assert board.ours is not None and board.met in (True, False) and board.details["subtree_cases"] > 0
    assert imported.details["ours_imported"] == 30 and imported.ours > 0
    assert people == 60 and phones == 60  # 30 rows by the bare insert, 30 through the importer
    # the tiles count what the full read of every member counts; the baseline reads the same rows
    assert tiles.details["members_in_street"] > 0 and tiles.ratio is not None
    assert tiles.details["line_crossed_in_street"] == tiles.details["full_line_crossed"]


def test_percentiles_are_nearest_rank_in_milliseconds():
    stats = Stats(latencies=[i / 1000 for i in range(1, 101)])  # 1 ms .. 100 ms
    assert stats.percentile(50) == pytest.approx(50)
    assert stats.percentile(95) == pytest.approx(95)
    assert stats.percentile(100) == pytest.approx(100)
    assert Stats().percentile(95) is None


def test_unknown_benchmark_names_are_refused_with_the_known_ones():
    with pytest.raises(SystemExit, match="due_list"):
        selected("due_lsit", "sqlite")
    assert [b.name for b in selected("memory,transition", "sqlite")] == ["transition", "memory"]
    assert {"scheduler_scan", "dashboard", "roster_import"} <= set(BENCHMARKS)


def test_the_monthly_report_baseline_counts_what_the_report_counts(district):
    from datetime import UTC, datetime

    from sqlalchemy import select

    from bench.monthly_report import report_sql
    from workflow.models import User
    from workflow.reports.monthly import figures, periods

    now = datetime.now(UTC)
    with district.app().app_context():
        street = db.session.scalar(select(User).where(User.username == "s1-supervisor")).org_unit
        last = periods.parse(periods.last_month(now), now)
        table, base = figures.draw(street, last), report_sql(street, last)
        paths = {u.id: u.path for u in [street, *street.children]}
        compared = 0
        for row in table.rows:
            cells = base.get(paths[row.unit_id], {})
            for column in table.columns:
                if column.measure in {name for names in base.values() for name in names} | set(cells):
                    assert row.cells[column.key] == cells.get(column.measure, 0), (row.name, column.key)
                    compared += row.cells[column.key]
        assert compared > 0 and table.total["households"] > 0 and table.total["mobile"] > 0
        db.session.remove()
