"""The reminder scheduler: its own process (`flask scheduler run`), never in web workers."""


def init_app(app):
    """Check the settings and register the CLI and the /healthz report; nothing runs here."""
    from scheduler import channels, cli, member_reminders, settings, sms, status

    channels.CHANNELS.update(sms=sms.send, member_email=member_reminders.email)  # the member's own channels
    settings.check(app.config)
    app.cli.add_command(cli.group)
    # /healthz asks every reporter registered on the app; the scheduler never imports web/.
    reporters = app.extensions.setdefault("health_reporters", [])
    if status.health_report not in reporters:
        reporters.append(status.health_report)
