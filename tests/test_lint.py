"""ruff runs as part of the suite, so style problems fail the build like bugs do."""

import os
import subprocess
import sys


def test_ruff_finds_nothing():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    result = subprocess.run([sys.executable, "-m", "ruff", "check", root], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
