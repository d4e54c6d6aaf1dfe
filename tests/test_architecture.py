"""The house rules of docs/architecture.md, checked: import contracts and what imports cannot show."""

import ast
import glob
import os
import subprocess
import sys

from tests.support import ROOT


def test_import_contracts_hold():
    """pyproject.toml [tool.importlinter]: web/ has no SQL, nothing imports web/, no circles in web/."""
    lint = os.path.join(os.path.dirname(sys.executable), "lint-imports")
    result = subprocess.run([lint, "--no-cache"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def _python_files(package):
    return sorted(glob.glob(os.path.join(ROOT, package, "**", "*.py"), recursive=True))


def _parse(path):
    with open(path, encoding="utf-8") as handle:
        return ast.parse(handle.read(), path)


def _calls_named(path, name):
    tree = _parse(path)
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == name]


def test_web_never_commits():
    """Transactions are workflow/'s: a view calls one workflow function, which commits."""
    found = [f"{os.path.relpath(p, ROOT)}:{line}" for p in _python_files("web") for line in _calls_named(p, "commit")]
    assert found == []


def test_workflow_never_reads_the_request():
    """The domain gets what the request said as arguments, so commands and the scheduler can call it."""
    found = []
    for path in _python_files("workflow") + _python_files("scheduler"):
        tree = _parse(path)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "flask" and \
                    any(alias.name == "request" for alias in node.names):
                found.append(f"{os.path.relpath(path, ROOT)}:{node.lineno}")
            if isinstance(node, ast.Attribute) and node.attr == "request" and \
                    isinstance(node.value, ast.Name) and node.value.id == "flask":
                found.append(f"{os.path.relpath(path, ROOT)}:{node.lineno}")
    assert found == []


def test_every_workflow_package_says_what_it_owns():
    missing = []
    for init in glob.glob(os.path.join(ROOT, "workflow", "*", "__init__.py")):
        if "migrations" in init:
            continue
        doc = ast.get_docstring(_parse(init))
        if not doc or len(doc) < 80:
            missing.append(os.path.relpath(init, ROOT))
    assert missing == []


def test_every_expected_error_says_which_message():
    # A bare pytest.raises(X) passes on any X, including the wrong refusal for the right reason.
    bare = [f"{path}:{node.lineno}"
            for path in _python_files("tests")
            for node in ast.walk(_parse(path))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "raises"
            and isinstance(node.func.value, ast.Name) and node.func.value.id == "pytest"
            and not any(keyword.arg == "match" for keyword in node.keywords)]
    assert bare == [], "pytest.raises without match=: " + ", ".join(bare)
