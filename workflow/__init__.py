"""The domain: models, the process definition (data), the engine and services."""

import os

MIGRATIONS = os.path.join(os.path.dirname(__file__), "migrations")


def init_app(app):
    """Attach the database, migrations, the process engine and the domain CLI."""
    from flask_migrate import Migrate

    from workflow import cli, db, models, reports  # noqa: F401  (models: register tables)
    from workflow.mobility import policy
    from workflow.process import engine
    from workflow.reports import monthly

    db.init_app(app)
    Migrate(app, db.db, directory=MIGRATIONS, render_as_batch=True)
    engine.init_app(app)
    policy.init_app(app)
    cli.init_app(app)
    reports.init_app(app)
    monthly.init_app(app)
