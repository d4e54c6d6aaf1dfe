"""The monthly report upward: a fixed template (workflow/monthly_report.toml) of named measures.

Figures come from the case history as of the period's end (Asia/Shanghai), so a past
period reads the same whenever it is drawn: periods (bounds), template (the file and
its checks), measures (the one registry of named measures), figures (the table of a
unit's rows), submission (the only writes: submit a frozen copy, send back), diff
(what changed between versions), export (Excel and CSV, audited). docs/reports.md.
"""


def init_app(app):
    """Load and check the report template once; a broken file stops start-up."""
    from workflow.reports.monthly import measures, template

    app.extensions["monthly_template"] = template.load(app.config["MONTHLY_REPORT_TEMPLATE"], measures.MEASURES)
