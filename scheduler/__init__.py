"""The reminder scheduler: its own process (`flask scheduler run`), never in web workers."""


def init_app(app):
    """Register the scheduler's CLI; nothing runs inside the web process."""
