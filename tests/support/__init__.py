"""Helpers every test area shares: the repository root, free ports, a frozen clock, the
throwaway PostgreSQL server (pgserver), data factories (factories), logged-in worker and
member helpers (worker, member), the URL builders shared by the suite's apps (url_builders),
and the security probes and the PII scan (security/)."""

import os
import socket

import time_machine

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port():
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def frozen(when):
    """Stop the clock at when (an aware datetime) for the with-block; move it with .shift()/.move_to()."""
    return time_machine.travel(when, tick=False)
