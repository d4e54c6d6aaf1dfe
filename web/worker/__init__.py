"""The community worker's screens: the due list, the case page, the case forms and actions,
adding a person and search, a party member's 流动党员 screens, households, offline work (manifest, service worker, sync). HTTP only: each view parses, calls workflow, renders."""


def init_app(app):
    """Register the worker's blueprints."""
    from web.worker import case_actions, case_forms, cases, households, mobility, offline, people, search

    for module in (cases, case_actions, case_forms, households, mobility, offline, people, search):
        app.register_blueprint(module.bp)
