"""The suite builds an app for nearly every test (~1,500 a run); werkzeug compiles the same
URL builders for each, Python code made from the rule, about half of create_app().

A builder is a function of the rule's text, its defaults and the converters' kinds, and
takes the rule itself as its first argument: one compiled per distinct rule serves every
app of the process. Installed by tests/conftest.py; the app itself is unchanged.
"""

from werkzeug.routing.rules import Rule

_compile = Rule._compile_builder
_builders = {}


def _cached_compile_builder(self, append_unknown=True):
    key = (self.rule, tuple(self._trace), append_unknown,
           tuple(sorted((name, type(value).__name__, repr(value)) for name, value in (self.defaults or {}).items())),
           tuple(sorted((name, type(converter).__qualname__) for name, converter in self._converters.items())))
    if key not in _builders:
        _builders[key] = _compile(self, append_unknown)
    return _builders[key]


def install():
    Rule._compile_builder = _cached_compile_builder
