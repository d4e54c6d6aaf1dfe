"""The live process, drawn from the definition, with the cases per state in the subtree."""

from flask import g, render_template, url_for

from workflow.process import diagram
from workflow.process.engine import get_engine
from workflow.reports import dashboard


def show():
    """Draw the process (SVG made on the server) and list each state's steps and count."""
    engine = get_engine()
    definition = engine.definition
    counts = dashboard.state_counts(g.user.org_unit)
    drawing = diagram.svg(
        definition, counts, engine.state_label, engine.trigger_label,
        link=lambda state: url_for("supervisor.cases", state=state), title=definition.name,
    )
    steps = {name: definition.transitions_from(name) for name in definition.states}
    return render_template("supervisor/process.html", diagram=drawing, definition=definition,
                           counts=counts, steps=steps)
