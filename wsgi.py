"""Application factory: `flask --app wsgi ...` and `gunicorn 'wsgi:create_app()'`."""

import os
import sys

from flask import Flask

import scheduler
import web
import workflow
from workflow import settings
from workflow.process.definition import DefinitionError


def create_app(test_config=None):
    """Build the app: defaults, instance/config.py or test_config, DONGQIAN_* env."""
    if test_config is not None:
        return _build(test_config)
    try:
        return _build(None)
    except (settings.ConfigError, DefinitionError) as exc:
        # A real start-up: one line naming the setting or the definition line, no traceback.
        print(f"dongqian: cannot start: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def _build(test_config):
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
