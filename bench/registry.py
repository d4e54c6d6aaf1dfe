"""The benchmark registry: each benchmark is a function of a Context returning Results.

    @benchmark("due_list", "工作者今日待办 GET /", backends=("sqlite", "postgresql"))
    def due_list(ctx): ...

A Result holds our figure, the baseline's figure measured side by side in the same
run, their ratio, the target and whether it was met.
"""

from dataclasses import dataclass, field


@dataclass
class Result:
    name: str
    backend: str
    metric: str  # what the ratio compares, e.g. "throughput ours / baseline"
    ours: float | None
    baseline: float | None
    unit: str
    target: str
    met: bool | None  # None: not judged (nothing to compare yet)
    details: dict = field(default_factory=dict)
    note: str = ""

    @property
    def ratio(self):
        if self.ours is None or not self.baseline:
            return None
        return self.ours / self.baseline

    def as_dict(self):
        return {**self.__dict__, "ratio": None if self.ratio is None else round(self.ratio, 3)}


@dataclass
class Benchmark:
    name: str
    title: str
    func: object
    backends: tuple
    default: bool
    order: int


BENCHMARKS = {}


def benchmark(name, title, backends=("sqlite", "postgresql"), default=True, order=50):
    """Register a benchmark; default=False ones run only when named with --only; low order runs first."""

    def register(func):
        BENCHMARKS[name] = Benchmark(name, title, func, tuple(backends), default, order)
        return func

    return register


def selected(only, backend):
    """The benchmarks to run on a backend: the named ones, or every default one."""
    names = [n.strip() for n in only.split(",")] if only else None
    if names:
        unknown = [n for n in names if n not in BENCHMARKS]
        if unknown:
            raise SystemExit(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    chosen = [b for b in BENCHMARKS.values() if backend in b.backends and (b.name in names if names else b.default)]
    return sorted(chosen, key=lambda b: b.order)
