"""A small HTTP load generator: threads with http.client on 127.0.0.1, bounded in count and time."""

import http.client
import itertools
import math
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field


@dataclass
class Stats:
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list = field(default_factory=list)  # seconds, one per successful request
    statuses: dict = field(default_factory=dict)

    def merge(self, other):
        self.requests += other.requests
        self.errors += other.errors
        self.seconds += other.seconds
        self.latencies += other.latencies
        for code, n in other.statuses.items():
            self.statuses[code] = self.statuses.get(code, 0) + n
        return self

    @property
    def throughput(self):
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p):
        """The p-th percentile latency in milliseconds (nearest rank)."""
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        rank = max(0, min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1))
        return ordered[rank] * 1000

    def summary(self):
        return {"requests": self.requests, "errors": self.errors, "seconds": round(self.seconds, 2),
                "req_per_s": round(self.throughput, 1), "p50_ms": _r(self.percentile(50)),
                "p95_ms": _r(self.percentile(95)), "p99_ms": _r(self.percentile(99)),
                "max_ms": _r(max(self.latencies) * 1000 if self.latencies else None)}


def _r(value):
    return None if value is None else round(value, 2)


def hammer(port, paths, headers=None, connections=32, duration=5.0, max_requests=None, rate=None):
    """Send GETs over `connections` concurrent connections until time or count runs out.

    Without a rate each connection sends its next request as soon as the last one is
    answered (saturation). With a rate (requests per second, all connections together)
    each connection sends on a fixed schedule instead, as users clicking would.
    """
    headers = dict(headers or {})
    interval = connections / rate if rate else 0.0
    counter = itertools.count()
    stop_at = time.perf_counter() + duration
    limit = max_requests if max_requests is not None else float("inf")
    per_thread = [Stats() for _ in range(connections)]

    def client(stats, offset):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        due = time.perf_counter() + offset
        while True:
            if interval:
                time.sleep(max(0.0, due - time.perf_counter()))
                due += interval
            n = next(counter)
            if n >= limit or time.perf_counter() >= stop_at:
                break
            started = time.perf_counter()
            try:
                conn.request("GET", paths[n % len(paths)], headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = "error"
            stats.statuses[status] = stats.statuses.get(status, 0) + 1
            if status == 200:
                stats.latencies.append(time.perf_counter() - started)
                stats.requests += 1
            else:
                stats.errors += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(s, interval * i / connections), daemon=True)
               for i, s in enumerate(per_thread)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = Stats(seconds=time.perf_counter() - began)
    for stats in per_thread:
        total.merge(stats)
    total.seconds = time.perf_counter() - began
    return total


def get(port, path, headers=None):
    """Return (status, headers, body text) of one GET."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        body = response.read().decode("utf-8", "replace")
    finally:
        conn.close()
    return response.status, response.headers, body


def login(port, username, password):
    """Log in through the real form (CSRF token and all); return the Cookie header value."""
    status, headers, body = get(port, "/login")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', body)
    cookie = _cookie(headers)
    form = {"username": username, "password": password}
    if token:
        form["csrf_token"] = token.group(1)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", "/login", body=urllib.parse.urlencode(form),
                     headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
        response = conn.getresponse()
        response.read()
    finally:
        conn.close()
    if response.status != 302:
        raise RuntimeError(f"login as {username} failed: HTTP {response.status}")
    return _cookie(response.headers) or cookie


def _cookie(headers):
    values = [h.split(";", 1)[0] for h in headers.get_all("Set-Cookie") or []]
    return "; ".join(values)
