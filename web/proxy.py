"""Behind a reverse proxy: trust its X-Forwarded-* headers, and only as many hops as configured."""

from werkzeug.middleware.proxy_fix import ProxyFix


def init_app(app):
    """Wrap the app in ProxyFix when TRUSTED_PROXIES (a number of hops) is above 0.

    With nginx in front, the socket peer is always nginx; without this, the audit log
    would record 127.0.0.1 for every login. Never set it when clients reach gunicorn
    directly: they could then write any address into the log.
    """
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
