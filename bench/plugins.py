"""Plug-in points for the parts of issue 7 that live on other branches.

Each is None until its part is merged. Its benchmark (bench/pending.py) then measures
the baseline alone and reports "ours: not on this branch". To plug a part in, import
its function here and assign it: one line each. Every callable runs inside an app
context on the benchmark database.
"""

#: The scheduler's due-and-overdue scan: callable(now) -> the due cases it found (any
#: sequence; its length is reported). Match pending.SCAN_SQL's predicate to it.
SCHEDULER_SCAN = None

#: The supervisor dashboard's aggregates: callable(user) -> what the dashboard shows for
#: the user's subtree (overdue by community and branch, aged). Match pending.DASHBOARD_SQL.
DASHBOARD = None

#: The roster import: callable(rows, actor) -> number of cases created. rows is a list of
#: dicts: name, id_number, is_party_member, unit (org unit name), project (project name),
#: phone. Wrap the importer so it reads them (e.g. write them to its .xlsx template first).
ROSTER_IMPORT = None
