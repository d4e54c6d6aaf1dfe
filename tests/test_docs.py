"""The docs name files and functions that exist, so a newcomer who follows them arrives.

Every `path/with.ext` in backticks must be a file of the repository (a bare `name.py` must
exist somewhere in it), and every `workflow.x.y` / `web.x.y` name must reach a module whose
source defines the name after it. A historical name is written after "then " on purpose.
"""

import os
import re
from pathlib import Path

import pytest

from tests.support import ROOT

DOCS = sorted(Path(ROOT, "docs").rglob("*.md")) + [Path(ROOT, "README.md")]
GENERATED = ("bench/out/", "instance/config.py", "build/", "test-output/")  # made by make, never committed
PATH = re.compile(r"`([A-Za-z_][\w./-]*\.(?:py|toml|html|md|cfg|pot|po|js|css|sh))`")
DOTTED = re.compile(r"`((?:workflow|web|scheduler|forms|bench)\.[\w.]+)")
HISTORICAL = re.compile(r"\bthen\s+$")
FILES = {p.name for p in Path(ROOT).rglob("*") if ".venv" not in p.parts and ".git" not in p.parts}


def _line(text, match):
    return text[:match.start()].count("\n") + 1


def _current(text, match):
    return not HISTORICAL.search(text[max(0, match.start() - 12):match.start()])


def _missing_path(name):
    if name.startswith(GENERATED):
        return False
    if "/" in name:
        return not Path(ROOT, name).exists()
    return name not in FILES


def _missing_dotted(name):
    """True when the dotted name does not reach a module, or the module lacks the next name."""
    parts, path, used = name.split("."), Path(ROOT), 0
    while used < len(parts):
        part = parts[used]
        if (path / part / "__init__.py").exists():
            path = path / part
        elif (path / f"{part}.py").exists():
            path = path / f"{part}.py"
        else:
            break
        used += 1
    if used == len(parts):
        return False
    if used < 2:
        return True  # workflow.<no such module>: the module moved or was renamed
    module = path / "__init__.py" if path.is_dir() else path
    return re.search(rf"\b{re.escape(parts[used])}\b", module.read_text(encoding="utf-8")) is None


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: os.path.relpath(p, ROOT))
def test_every_file_and_function_a_doc_names_exists(doc):
    text = doc.read_text(encoding="utf-8")
    stale = [f"{doc.name}:{_line(text, m)}: {m.group(1)}" for m in PATH.finditer(text)
             if _current(text, m) and _missing_path(m.group(1))]
    stale += [f"{doc.name}:{_line(text, m)}: {m.group(1)}" for m in DOTTED.finditer(text)
              if _current(text, m) and _missing_dotted(m.group(1))]
    assert stale == [], "names that no longer exist: " + ", ".join(stale)
