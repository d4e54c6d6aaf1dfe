"""Compiled templates shared by every app in this process.

Jinja compiles each template once per environment, and every `create_app()` makes a new
environment: a worker process that builds an app per test (the suite) or a scheduler beside
the web app recompiled the same ~120 templates each time. This cache keeps the compiled
code per process, keyed by the template's name and a checksum of its source, so an edited
template is still recompiled and nothing is written to disk.
"""

from jinja2 import BytecodeCache


class ProcessBytecodeCache(BytecodeCache):
    """Compiled template code kept in memory for the life of the process."""

    def __init__(self):
        self._code = {}

    def load_bytecode(self, bucket):
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket):
        self._code[bucket.key] = bucket.bytecode_to_string()


SHARED = ProcessBytecodeCache()


def init_app(app):
    """Let the app's template environment use the process-wide cache."""
    app.jinja_env.bytecode_cache = SHARED
