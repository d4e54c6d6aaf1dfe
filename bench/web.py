"""The worker's due list and the case page under gunicorn, against the bare baseline app.

Both servers run with docs/deploy/gunicorn.conf.py and the same worker count; the
load alternates between them in rounds, so a neighbour's burst of CPU hits both.
"""

import re

from bench.context import WORKER
from bench.generate import DEFAULT_PASSWORD
from bench.load import Stats, get, hammer, login
from bench.registry import Result, benchmark
from bench.server import Gunicorn, cpu_seconds

NAME = re.compile(r'<span class="name">(.*?)</span>')
IDNO = re.compile(r'class="idno">\s*([^<\s]+)')
TOTAL = re.compile(r"共(\d+)件")
REGISTER = re.compile(r'class="reg (reg-\w+)"')
TIMELINE = re.compile(r'class="event (event-\w+)"')


def servers(ctx):
    """Start (once per context) our app and the baseline; return (ours, baseline, cookie)."""
    if "web" not in ctx.cache:
        workers = ctx.args.workers
        ours = Gunicorn("wsgi:create_app()", ctx.env, workers, ctx.log("gunicorn-ours")).start()
        ctx.cleanup.append(ours.stop)
        env = {**ctx.env, "BENCH_ORG_PATH": ctx.org_path}
        base = Gunicorn("bench.baseline_app:create_app()", env, workers, ctx.log("gunicorn-baseline")).start()
        ctx.cleanup.append(base.stop)
        ctx.cache["web"] = (ours, base, login(ours.port, WORKER, DEFAULT_PASSWORD))
    return ctx.cache["web"]


def compare(ctx, name, paths, check):
    """Alternate rounds of load on both servers; return one Result."""
    ours, base, cookie = servers(ctx)
    check(ours.port, base.port, {"Cookie": cookie})
    args = ctx.args
    sides = {"ours": (ours, {"Cookie": cookie}), "baseline": (base, {})}
    saturated = {side: Side() for side in sides}
    paced = {side: Side() for side in sides}
    for server, headers in sides.values():  # warm both
        hammer(server.port, paths, headers, args.connections, 1.0)
    for _ in range(args.rounds):
        for side, (server, headers) in sides.items():
            saturated[side].run(server, paths, headers, args.connections, args.duration)
    for side, (server, headers) in sides.items():
        paced[side].run(server, paths, headers, args.connections, args.duration, rate=args.paced_rate)
    mine, theirs = saturated["ours"], saturated["baseline"]
    p95 = mine.stats.percentile(95)
    ratio = mine.stats.throughput / theirs.stats.throughput if theirs.stats.throughput else 0
    met = ratio >= 0.7 and mine.stats.errors == 0 and (ctx.backend != "sqlite" or (p95 or 1e9) < 50)
    return Result(
        name, ctx.backend, "throughput ours / baseline", round(mine.stats.throughput, 1),
        round(theirs.stats.throughput, 1), "req/s", "≥ 0.7" + (", p95 < 50 ms" if ctx.backend == "sqlite" else ""),
        met,
        {"ours": mine.summary(), "baseline": theirs.summary(),
         "cpu_ratio": round(theirs.cpu_per_request / mine.cpu_per_request, 3) if mine.cpu_per_request else None,
         "paced": {"rate": args.paced_rate, "ours": paced["ours"].summary(), "baseline": paced["baseline"].summary()},
         "connections": args.connections, "workers": args.workers, "rounds": args.rounds,
         "round_seconds": args.duration, "cases": ctx.summary.get("cases"), "subtree": ctx.org_path})


class Side:
    """One server's requests and the CPU its workers spent on them."""

    def __init__(self):
        self.stats, self.cpu = Stats(), 0.0

    def run(self, server, paths, headers, connections, duration, rate=None):
        pids = server.worker_pids()
        before = cpu_seconds(pids)
        self.stats.merge(hammer(server.port, paths, headers, connections, duration, rate=rate))
        self.cpu += cpu_seconds(pids) - before

    @property
    def cpu_per_request(self):
        return self.cpu / self.stats.requests if self.stats.requests else None

    def summary(self):
        cpu = self.cpu_per_request
        return {**self.stats.summary(), "cpu_ms_per_request": None if cpu is None else round(cpu * 1000, 2)}


def _same_due_rows(ours_port, base_port, headers):
    _s, _h, mine = get(ours_port, "/", headers)
    _s, _h, theirs = get(base_port, "/")
    for pattern in (NAME, IDNO, TOTAL):
        if pattern.findall(mine) != pattern.findall(theirs):
            raise AssertionError(f"due list: baseline and ours differ in {pattern.pattern!r}")
    if len(NAME.findall(mine)) == 0:
        raise AssertionError("due list: no rows shown; the benchmark user sees nothing")


def _same_case_rows(case_ids):
    def check(ours_port, base_port, headers):
        for case_id in case_ids[:5]:
            status, _h, mine = get(ours_port, f"/cases/{case_id}", headers)
            _s, _h, theirs = get(base_port, f"/cases/{case_id}")
            if status != 200:
                raise AssertionError(f"case page {case_id}: HTTP {status}")
            same = (IDNO.findall(mine) == IDNO.findall(theirs)
                    and REGISTER.findall(mine) == REGISTER.findall(theirs)
                    and TIMELINE.findall(mine) == TIMELINE.findall(theirs))
            if not same or not REGISTER.findall(mine):
                raise AssertionError(f"case page {case_id}: baseline and ours show different rows")
    return check


@benchmark("due_list", "Worker's due list GET / under gunicorn vs a bare Flask route", order=10)
def due_list(ctx):
    return [compare(ctx, "due_list", ["/"], _same_due_rows)]


@benchmark("case_page", "Case page GET /cases/<id> under gunicorn vs a bare Flask route", order=11)
def case_page(ctx):
    paths = [f"/cases/{i}" for i in ctx.case_ids]
    return [compare(ctx, "case_page", paths, _same_case_rows(ctx.case_ids))]
