"""`python -m bench`: generate a district, run the registered benchmarks, write a report."""

import argparse
import json
import multiprocessing
import os
import sys
import time
import traceback

from bench import district_work, memory, mobility, monthly_report, transition, web  # noqa: F401  (they register benchmarks)
from bench.context import machine, prepare_postgresql, prepare_sqlite
from bench.registry import BENCHMARKS, selected
from bench.report import markdown, table
from bench.server import ROOT


def parse(argv):
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--cases", type=int, default=100_000, help="cases on SQLite (default 100000)")
    p.add_argument("--pg", action="store_true", help="also run on a throwaway PostgreSQL (or --pg-url)")
    p.add_argument("--pg-cases", type=int, default=1_000_000, help="cases on PostgreSQL (default 1000000)")
    p.add_argument("--pg-url", help="an existing server, e.g. postgresql+psycopg://user@host/postgres")
    p.add_argument("--no-sqlite", action="store_true", help="skip the SQLite run")
    p.add_argument("--only", help="comma-separated benchmark names; " + ", ".join(BENCHMARKS))
    p.add_argument("--full", action="store_true", help="the long runs: 100000 requests for memory")
    p.add_argument("--requests", type=int, default=None, help="requests for the memory benchmark")
    p.add_argument("--transitions", type=int, default=1000, help="transitions per side")
    p.add_argument("--roster-rows", type=int, default=10_000, help="rows for the roster import")
    p.add_argument("--connections", type=int, default=32)
    p.add_argument("--workers", type=int, default=multiprocessing.cpu_count() * 2 + 1)
    p.add_argument("--duration", type=float, default=5.0, help="seconds per load round")
    p.add_argument("--rounds", type=int, default=3, help="alternating rounds per side")
    p.add_argument("--paced-rate", type=float, default=100.0,
                   help="requests per second (all connections) for the paced latency round")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--reuse", action="store_true", help="reuse the generated SQLite district if present")
    p.add_argument("--out", default=os.path.join(ROOT, "bench", "out"))
    args = p.parse_args(argv)
    if args.requests is None:
        args.requests = 100_000 if args.full else 20_000
    return args


def run_backend(prepare, args, results):
    started = time.perf_counter()
    ctx = prepare(args, args.out)
    print(f"[{ctx.backend}] district: {ctx.summary['cases']} cases, {sum(ctx.summary['rows'].values())} rows "
          f"in {ctx.summary['seconds']} s", flush=True)
    try:
        for bench in selected(args.only, ctx.backend):
            print(f"[{ctx.backend}] {bench.name}: {bench.title}", flush=True)
            try:
                for result in bench.func(ctx):
                    results.append(result)
                    print(table([result]), flush=True)
            except Exception:  # one broken benchmark must not hide the others' numbers
                traceback.print_exc()
                results.append(None)
    finally:
        ctx.close()
    return {"backend": ctx.backend, "district": ctx.summary, "seconds": round(time.perf_counter() - started, 1)}


def main(argv=None):
    args = parse(sys.argv[1:] if argv is None else argv)
    os.makedirs(args.out, exist_ok=True)
    os.environ["DONGQIAN_INSTANCE_PATH"] = os.path.join(args.out, "instance")
    results, runs = [], []
    if not args.no_sqlite:
        runs.append(run_backend(prepare_sqlite, args, results))
    if args.pg or args.pg_url:
        runs.append(run_backend(prepare_postgresql, args, results))
    done = [r for r in results if r is not None]
    report = {"machine": machine(), "runs": runs, "results": [r.as_dict() for r in done],
              "args": {k: v for k, v in vars(args).items() if k != "out"}}
    with open(os.path.join(args.out, "results.json"), "w") as handle:
        json.dump(report, handle, ensure_ascii=False, indent=1, default=str)
    with open(os.path.join(args.out, "report.md"), "w") as handle:
        handle.write(markdown(report))
    print("\n" + table(done))
    print(f"\nwritten: {os.path.join(args.out, 'report.md')} and results.json")
    return 1 if None in results else 0


if __name__ == "__main__":
    sys.exit(main())
