"""Memory: one gunicorn worker's resident size before and after many requests.

A single worker serves a mix of what a worker's phone asks for: case pages across the
whole subtree (every case a different identity), due-list pages, a 404 outside the
subtree and the health check. RSS is read from /proc after a warm-up and then at
every tenth of the run, so a slow leak shows as a slope, not just an end point.
"""

import random

from bench.context import WORKER
from bench.generate import DEFAULT_PASSWORD
from bench.load import hammer, login
from bench.registry import Result, benchmark
from bench.server import Gunicorn, rss_kib

WARMUP = 2000
VIEWS = ("due", "soon", "all", "incoming")


def request_mix(ctx, ids, outside_id):
    """A shuffled list of paths: 70% case pages, 20% due lists (its tabs), a 404, health checks."""
    rng = random.Random(ctx.args.seed)
    paths = [f"/cases/{i}" for i in ids] * 2
    # The due list pages by cursor, which a client learns only from the page: its tabs vary the rows.
    paths += [f"/?view={rng.choice(VIEWS)}" for _ in range(len(paths) * 2 // 7)]
    paths += [f"/cases/{outside_id}", "/healthz"] * max(1, len(paths) // 20)
    rng.shuffle(paths)
    return paths


@benchmark("memory", "One web worker's resident memory over many requests", order=30)
def memory(ctx):
    from sqlalchemy import select

    from workflow.db import db
    from workflow.models import Case

    with ctx.app().app_context():
        ids = db.session.scalars(select(Case.id).where(Case.org_path.like(ctx.org_path + "%"))).all()
        outside = db.session.scalar(select(Case.id).where(Case.org_path.not_like(ctx.org_path + "%")).limit(1))
        db.session.remove()
    paths = request_mix(ctx, ids, outside)
    total = ctx.args.requests
    with Gunicorn("wsgi:create_app()", ctx.env, 1, ctx.log("gunicorn-memory")) as server:
        pid = server.worker_pids()[0]
        headers = {"Cookie": login(server.port, WORKER, DEFAULT_PASSWORD)}
        warmup = min(WARMUP, total)
        hammer(server.port, paths, headers, connections=4, duration=600, max_requests=warmup)
        start = rss_kib(pid)
        trace, errors, served = [], 0, 0
        for step in range(10):
            stats = hammer(server.port, paths[step * 997 % len(paths):] + paths, headers, connections=4,
                           duration=3600, max_requests=total // 10)
            errors += stats.statuses.get("error", 0)
            served += sum(stats.statuses.values())
            trace.append(round((rss_kib(pid) - start) / 1024, 2))
        assert pid in server.worker_pids(), "the worker was restarted during the run"
    growth = trace[-1]
    return [Result("memory", ctx.backend, "RSS growth after the warm-up", growth, None, "MiB", "< 10 MiB",
                   growth < 10 and errors == 0,
                   {"requests": served, "warmup": warmup, "rss_after_warmup_mib": round(start / 1024, 1),
                    "growth_every_tenth_mib": trace, "connection_errors": errors, "distinct_cases": len(ids)},
                   note="" if total >= 100_000 else f"{total} requests (the full 100,000 run: --full)")]
