"""ruff and vulture run as part of the suite, so style problems and dead code fail the build like bugs do."""

import subprocess
import sys

from tests.support import ROOT


def run(*args):
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, cwd=ROOT)


def test_ruff_finds_nothing():
    result = run("ruff", "check", ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_vulture_finds_no_dead_code():
    result = run("vulture")  # paths, exclusions and the allow-list: pyproject.toml [tool.vulture]
    assert result.returncode == 0, "dead code (delete it, or say in vulture_allow.py why it is used):\n" + result.stdout
