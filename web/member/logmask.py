"""Keep member tokens out of request logs: /m/<token> is logged as /m/…"""

import logging
import re

TOKEN_PATH = re.compile(r"/m/[A-Za-z0-9_-]+")
MASKED = "/m/…"
# The request loggers: the development server's and gunicorn's access log.
REQUEST_LOGGERS = ("werkzeug", "gunicorn.access")


def mask(value):
    """The value with every member token replaced; other values as they are."""
    return TOKEN_PATH.sub(MASKED, value) if isinstance(value, str) else value


class TokenFilter(logging.Filter):
    """Rewrite a record's message and arguments (a tuple, or gunicorn's dict of atoms)."""

    def filter(self, record):
        record.msg = mask(record.msg)
        if isinstance(record.args, dict):
            record.args = {key: mask(value) for key, value in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(mask(value) for value in record.args)
        return True


def install():
    """Attach the filter to the request loggers once."""
    for name in REQUEST_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, TokenFilter) for f in logger.filters):
            logger.addFilter(TokenFilter())
