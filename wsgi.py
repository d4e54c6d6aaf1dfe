"""Application factory: `flask --app wsgi ...` and `gunicorn 'wsgi:create_app()'`."""

import os

from flask import Flask

import scheduler
import web
import workflow
from workflow import settings


def create_app(test_config=None):
    """Build the app: defaults, instance/config.py or test_config, DONGQIAN_* env."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("DONGQIAN_INSTANCE_PATH") or None,
        instance_relative_config=True,
        template_folder="templates",
        static_folder="static",
    )
    settings.apply_defaults(app)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)
    app.config.from_prefixed_env(settings.PREFIX)
    os.makedirs(app.instance_path, exist_ok=True)
    settings.finish(app)

    workflow.init_app(app)
    web.init_app(app)
    scheduler.init_app(app)
    return app
