"""HTTP: blueprints, login, translations and the headers every response carries."""


def init_app(app):
    """Register the web extensions and blueprints."""
    from flask_wtf import CSRFProtect

    from web import (
        account,
        auth,
        case_actions,
        case_forms,
        cases,
        health,
        i18n,
        inbox,
        member,
        people,
        search,
        supervisor,
        views,
    )

    CSRFProtect(app)
    i18n.init_app(app)
    auth.init_app(app)
    views.init_app(app)
    inbox.init_app(app)
    for module in (account, auth, cases, health, inbox):
        app.register_blueprint(module.bp)
    for module in (case_actions, case_forms, people, search):  # the worker screens
        app.register_blueprint(module.bp)
    supervisor.init_app(app)
    member.init_app(app)  # the member link: /m/<token> and 成员自报
