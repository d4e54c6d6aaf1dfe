"""Templates are compiled once per process, not once per app, and an edit still shows."""

from jinja2 import Environment, FileSystemLoader

from tests.support.factories import TEST_CONFIG
from web.template_cache import ProcessBytecodeCache
from wsgi import create_app


def test_a_second_app_reuses_the_compiled_templates(tmp_path, monkeypatch):
    monkeypatch.setenv("DONGQIAN_INSTANCE_PATH", str(tmp_path))
    first = create_app(TEST_CONFIG)
    first.jinja_env.get_template("base.html")
    second = create_app(TEST_CONFIG)
    compiled = []
    original = second.jinja_env.compile
    monkeypatch.setattr(second.jinja_env, "compile", lambda *a, **k: compiled.append(a) or original(*a, **k))
    with second.test_request_context():
        second.jinja_env.get_template("base.html")
    assert compiled == []  # loaded from the process cache, not compiled again


def test_an_edited_template_is_compiled_again(tmp_path):
    page = tmp_path / "page.html"
    cache = ProcessBytecodeCache()
    page.write_text("one {{ x }}", encoding="utf-8")
    env = Environment(loader=FileSystemLoader(tmp_path), bytecode_cache=cache)
    assert env.get_template("page.html").render(x=1) == "one 1"
    page.write_text("two {{ x }}", encoding="utf-8")
    fresh = Environment(loader=FileSystemLoader(tmp_path), bytecode_cache=cache)
    assert fresh.get_template("page.html").render(x=2) == "two 2"
    assert len(cache._code) == 1  # the stale code was replaced, not kept beside it
