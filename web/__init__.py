"""HTTP: blueprints, login, translations and the headers every response carries."""


def init_app(app):
    """Register the web extensions and blueprints."""
    from flask_wtf import CSRFProtect

    from web import auth, cases, health, i18n, proxy, views

    CSRFProtect(app)
    i18n.init_app(app)
    auth.init_app(app)
    views.init_app(app)
    proxy.init_app(app)
    for module in (auth, cases, health):
        app.register_blueprint(module.bp)
