"""The member link: the member's own page (public, by token) and the worker's 成员自报."""


def init_app(app):
    """Register both blueprints and keep tokens out of the request logs."""
    from flask import g

    from web.member import logmask, pages, worker
    from workflow.member import channels
    from workflow.reports import self_reports

    app.register_blueprint(pages.bp)
    app.register_blueprint(worker.bp)
    app.add_template_global(lambda case: channels.link_status(case, g.user), "member_link_status")
    app.add_template_global(channels.describe, "channel_words")
    app.add_template_global(self_reports.report, "self_report_health")
    app.add_template_global(ratio_text, "self_ratio_text")
    logmask.install()


def ratio_text(part, whole):
    """A share as the dashboard writes it: 42%, or — without anything to count."""
    return f"{part * 100 // whole}%" if whole else "—"
