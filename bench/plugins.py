"""The real parts of issue 7 that the benchmarks in bench/pending.py measure.

Each callable runs inside an app context on the benchmark database. Setting one to
None makes its benchmark measure the baseline alone ("ours: not on this branch").
"""

import csv
import io
from datetime import UTC, datetime

from sqlalchemy import select

from scheduler import scan
from workflow.db import db
from workflow.models import Project
from workflow.reports import dashboard
from workflow.roster import importer


def scheduler_scan(now):
    """The scan's read: every batch of due cases needing a look, as scheduler.scan.run() reads them."""
    return [row for rows in scan.batches(now) for row in rows]


def supervisor_dashboard(user):
    """The numbers the supervisor dashboard shows for the user's subtree (workflow/dashboard.build)."""
    return dashboard.build(user, datetime.now(UTC))


def roster_file(rows):
    """The rows as the .csv a supervisor uploads (the importer's own headers)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["姓名", "身份证号", "所属组织", "手机号码", "是否党员"])
    for row in rows:
        writer.writerow([row["name"], row["id_number"], row["unit"], row["phone"],
                         "是" if row["is_party_member"] else "否"])
    return out.getvalue().encode("utf-8")


def roster_import(rows, actor):
    """Check, stage and confirm the rows as one upload by actor, cases assigned to actor; return cases added."""
    project = db.session.scalar(select(Project).where(Project.name == rows[0]["project"]))
    data = roster_file(rows)
    preview = importer.check("roster.csv", data, project, actor, actor)
    if not preview.clean:
        raise ValueError(f"roster rows refused: {[r.errors for r in preview.of('error')][:3]}")
    batch = importer.stage("roster.csv", data, project, actor, actor, preview)
    return len(importer.confirm(batch, actor).of("new"))


#: The scheduler's due-and-overdue scan: callable(now) -> the due cases it found (any
#: sequence; its length is reported). pending.SCAN_SQL / SCAN_NEXT_SQL are its statements.
SCHEDULER_SCAN = scheduler_scan

#: The whole scan as the running scheduler does it: callable(now) -> scheduler.scan.ScanResult.
#: Run once before timing, as of 5 minutes ago, so the district is the one a running
#: scheduler leaves; its time is reported as the fresh district's catch-up.
SCHEDULER_RUN = scan.run

#: The supervisor dashboard's aggregates: callable(user) -> what the dashboard shows for
#: the user's subtree. pending.DASHBOARD_SQL and DASHBOARD_OVERDUE_SQL are its statements.
DASHBOARD = supervisor_dashboard

#: The roster import: callable(rows, actor) -> number of cases created. rows is a list of
#: dicts: name, id_number, is_party_member, unit (org unit name), project (project name), phone.
ROSTER_IMPORT = roster_import
