"""HTTP: blueprints, login, translations and the headers every response carries."""


def init_app(app):
    """Register the web extensions and blueprints."""
    from flask_wtf import CSRFProtect

    from web import account, auth, converters, health, i18n, inbox, member, supervisor, template_cache, views, worker

    template_cache.init_app(app)  # compiled templates shared by every app of this process
    converters.init_app(app)  # first: every rule below is built with the bounded <int:...>
    CSRFProtect(app)
    i18n.init_app(app)
    auth.init_app(app)
    views.init_app(app)
    inbox.init_app(app)
    for module in (account, auth, health, inbox):
        app.register_blueprint(module.bp)
    worker.init_app(app)
    supervisor.init_app(app)
    member.init_app(app)  # the member link: /m/<token> and 成员自报
