"""The app's one <int:...> URL converter: an id the database cannot hold is a 404, not a 500."""

from werkzeug.routing import IntegerConverter

from forms.fields import MAX_ID


class IdConverter(IntegerConverter):
    """Digits only (no sign), at most MAX_ID; anything else does not match the route (404)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        kwargs["signed"] = False
        super().__init__(map, *args, **kwargs)


def init_app(app):
    """Replace Flask's "int" converter before any blueprint adds a rule with it."""
    app.url_map.converters["int"] = IdConverter
