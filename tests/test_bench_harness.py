"""The benchmark harness end to end on a tiny district: every benchmark runs and reports numbers."""

import json

import pytest
from sqlalchemy import text

from bench import pending, plugins
from bench.__main__ import main, parse
from bench.context import prepare_sqlite
from bench.load import Stats
from bench.registry import BENCHMARKS, selected
from workflow.db import db

TINY = ["--cases", "400", "--workers", "1", "--connections", "2", "--duration", "0.3", "--rounds", "1",
        "--requests", "200", "--transitions", "20", "--paced-rate", "20", "--roster-rows", "100"]


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
        assert results[name]["baseline"] > 0
        assert results[name]["met"] is None and "not on this branch" in results[name]["note"]
    assert report["machine"]["nproc"] >= 1 and report["runs"][0]["district"]["cases"] == 400
    markdown = (tmp_path / "report.md").read_text()
    assert "| due_list | sqlite |" in markdown and "SQLite" in markdown


def test_a_plugged_in_part_is_judged_against_its_baseline(tmp_path, monkeypatch):
    monkeypatch.setenv("DONGQIAN_INSTANCE_PATH", str(tmp_path / "instance"))
    ctx = prepare_sqlite(parse(["--cases", "200", "--out", str(tmp_path)]), str(tmp_path))

    def scan(now):
        return db.session.execute(text(pending.SCAN_SQL), {"now": now.replace(tzinfo=None)}).all()

    monkeypatch.setattr(plugins, "SCHEDULER_SCAN", scan)
    try:
        [result] = pending.scheduler_scan(ctx)
    finally:
        ctx.close()
    assert result.ours is not None and result.ratio is not None
    assert result.met in (True, False) and result.note == ""
    assert result.details["ours_found"] == result.details["due_rows"] > 0


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
