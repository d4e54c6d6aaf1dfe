"""What one roster upload may cost, and the error that says why a file was refused.

Each limit is a ROSTER_MAX_* setting (docs/security.md); the Budget counts cells and time
while a file is read, so the first limit passed stops the reading, never a full scan.
"""

import time
from dataclasses import dataclass, fields

from flask import current_app, has_app_context
from flask_babel import gettext as _

from workflow.settings import DEFAULTS

MB = 1024 * 1024


class RosterFileError(ValueError):
    """The file cannot be read as a roster; str() says why, in Chinese."""


@dataclass(frozen=True)
class Limits:
    """What one upload may cost; each is the setting ROSTER_MAX_<NAME>."""

    rows: int
    columns: int
    cells: int
    seconds: float
    unpacked_bytes: int
    zip_ratio: int
    line_chars: int

    @classmethod
    def configured(cls):
        config = current_app.config if has_app_context() else DEFAULTS
        return cls(**{f.name: config[f"ROSTER_MAX_{f.name.upper()}"] for f in fields(cls)})


class Budget:
    """Counts the cells read and the time spent; raises at the first limit passed."""

    def __init__(self, limits):
        self.limits, self.cells = limits, 0
        self.deadline = time.monotonic() + limits.seconds

    def spend(self, cells=1):
        self.cells += cells
        if self.cells > self.limits.cells:
            raise RosterFileError(_("名单超过%(n)s个单元格，请分批导入", n=self.limits.cells))
        if time.monotonic() > self.deadline:
            raise RosterFileError(_("名单读取超过%(n)s秒，请删去多余内容或分批导入", n=self.limits.seconds))

    def column(self, number):
        """Refuse a value in a column (1-based) past the column limit."""
        if number > self.limits.columns:
            raise RosterFileError(_("名单超过%(n)s列，请删去多余的列", n=self.limits.columns))
