"""Show results as a text table (terminal) and as Markdown (bench/out/report.md)."""

import json


def _fmt(value, digits=1):
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _verdict(met):
    return {True: "met", False: "MISSED", None: "not judged"}[met]


def _row(r):
    return [r["name"], r["backend"], f"{_fmt(r['ours'])} {r['unit']}", f"{_fmt(r['baseline'])} {r['unit']}",
            _fmt(r["ratio"], 2), r["target"], _verdict(r["met"])]


HEAD = ["benchmark", "backend", "ours", "baseline", "ratio", "target", "verdict"]


def table(results):
    """A fixed-width table of Results, one line each, with details and notes below."""
    dicts = [r.as_dict() for r in results]
    rows = [HEAD] + [_row(r) for r in dicts]
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(HEAD))]
    lines = ["  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)) for row in rows]
    for r in dicts:
        lines.append(f"  {r['name']}: {json.dumps(r['details'], ensure_ascii=False)}")
        if r["note"]:
            lines.append(f"    note: {r['note']}")
    return "\n".join(lines)


def markdown(report):
    """The run as Markdown: machine, district, the results table and each result's details."""
    m = report["machine"]
    out = ["# Benchmark run", "",
           f"Machine: {m['nproc']} CPUs ({m['cpu']}), {m['memory_gib']} GiB RAM, Python {m['python']}, "
           f"SQLite {m['sqlite']}, {m['postgresql'] or 'no PostgreSQL'}, gunicorn {m['gunicorn']}, "
           f"SQLAlchemy {m['sqlalchemy']}, {m['os']}.", ""]
    for run in report["runs"]:
        d = run["district"]
        out.append(f"- {run['backend']}: {d['cases']} cases, {sum(d['rows'].values())} rows generated in "
                   f"{d['seconds']} s; run took {run['seconds']} s.")
    out += ["", "| " + " | ".join(HEAD) + " |", "|" + "---|" * len(HEAD)]
    for r in report["results"]:
        out.append("| " + " | ".join(_row(r)) + " |")
    out.append("")
    for r in report["results"]:
        out.append(f"- **{r['name']}** ({r['backend']}): `{json.dumps(r['details'], ensure_ascii=False)}`"
                   + (f" — {r['note']}" if r["note"] else ""))
    out.append("")
    return "\n".join(out)
