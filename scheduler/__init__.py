"""The reminder scheduler: its own process (`flask scheduler run`), never in web workers."""


def init_app(app):
    """Check the settings and register the CLI and the /healthz report; nothing runs here."""
    from scheduler import channels, cli, member_reminders, settings, sms, status
    from web import health

    channels.CHANNELS.update(sms=sms.send, member_email=member_reminders.email)  # the member's own channels
    settings.check(app.config)
    app.cli.add_command(cli.group)
    if status.health_report not in health.REPORTERS:
        health.REPORTERS.append(status.health_report)
