"""What the screens read: the case filter shared by dashboard links, lists and exports, the
supervisor's dashboard, case list and roll-ups up the org tree, link health and its monthly trend, the
Excel 台账, the audit queries, and the worker's due list, case timeline and search. Reads
only, except the link-health snapshot that its CLI stores."""


def init_app(app):
    """Register the reports' CLI (link-health snapshot and backfill)."""
    from workflow.reports import cli

    cli.init_app(app)
