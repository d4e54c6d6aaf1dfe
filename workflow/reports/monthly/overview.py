"""What the report page reads: the draft as of the period's end, the copies, the units below."""

from dataclasses import dataclass

from workflow.reports.monthly import figures, periods, submission


@dataclass
class Overview:
    period: object
    draft: object  # figures.Table
    copies: list  # this unit's submitted copies, the oldest first
    below: list  # [(unit below, its latest copy or None)]
    changes: list  # differences between the last two copies


def overview(unit, period_key, now):
    """Return the Overview of unit's report for the period; a bad period raises PeriodError."""
    period = periods.parse(period_key or periods.last_month(now), now)
    copies = submission.versions(unit, period)
    changes = submission.differences(copies[-2], copies[-1]) if len(copies) > 1 else []
    return Overview(period, figures.draw(unit, period), copies, submission.units_below(unit, period), changes)
