"""Draw the live process as SVG on the server, from the definition itself (no CDN, no JS).

States are laid out top to bottom in layers (the longest forward path from the
initial state); forward steps run downwards, steps back curve along the side
nearer their source, and steps that stay in a state are named inside its box.
Each box shows the state's label and how many cases stand in it.
"""

from markupsafe import Markup, escape

BOX_W, BOX_H, GAP_X, GAP_Y, SIDE = 120, 62, 18, 54, 58


def edges(definition):
    """Return {(source, dest): [triggers]} once per pair, in the file's order.

    A destination of "=" means "stays where it is", for each source on its own.
    """
    out = {}
    for t in definition.transitions:
        for source in t.sources:
            names = out.setdefault((source, source if t.dest == "=" else t.dest), [])
            if t.trigger not in names:
                names.append(t.trigger)
    return out


def back_edges(definition, pairs):
    """Return the pairs that lead back to a state still on the depth-first path."""
    onward = {}
    for source, dest in pairs:
        if source != dest:
            onward.setdefault(source, []).append(dest)
    back, done, path = set(), set(), []

    def visit(state):
        path.append(state)
        for dest in onward.get(state, []):
            if dest in path:
                back.add((state, dest))
            elif dest not in done:
                visit(dest)
        path.pop()
        done.add(state)

    visit(definition.initial)
    return back


def layers(definition, pairs, back):
    """Return {state: layer}: the longest path of forward steps from the initial state."""
    depth = {name: 0 for name in definition.states}
    for _round in definition.states:  # longest paths settle within one round per state
        changed = False
        for source, dest in pairs:
            if source != dest and (source, dest) not in back and depth[dest] < depth[source] + 1:
                depth[dest], changed = depth[source] + 1, True
        if not changed:
            break
    return depth


def layout(definition, depth):
    """Return ({state: (x, y)} of each box's top-left corner, width, height)."""
    rows = {}
    for state in definition.states:
        rows.setdefault(depth[state], []).append(state)
    widest = max(len(r) for r in rows.values())
    width = SIDE * 2 + widest * BOX_W + (widest - 1) * GAP_X
    places = {}
    for level, states in rows.items():
        span = len(states) * BOX_W + (len(states) - 1) * GAP_X
        left = (width - span) / 2
        for i, state in enumerate(states):
            places[state] = (left + i * (BOX_W + GAP_X), 12 + level * (BOX_H + GAP_Y))
    return places, width, 12 + max(rows) * (BOX_H + GAP_Y) + BOX_H + 12


def _path(source, dest, places, width, is_back, step):
    """Return (SVG path data, label x, label y, label anchor) for one edge."""
    (sx, sy), (dx, dy) = places[source], places[dest]
    if not is_back and dy > sy:
        x1, y1, x2, y2 = sx + BOX_W / 2, sy + BOX_H, dx + BOX_W / 2, dy
        mid = (y1 + y2) / 2
        # Labels sit nearer the destination, so two steps out of one state do not overlap.
        return f"M{x1},{y1} C{x1},{mid} {x2},{mid} {x2},{y2}", x1 + (x2 - x1) * 0.7, mid + 8, "middle"
    if dy == sy:  # same layer: a straight line, below the middle when going left
        y = sy + BOX_H / 2 + (8 if dx < sx else -8)
        x1, x2 = (sx + BOX_W, dx) if dx > sx else (sx, dx + BOX_W)
        return f"M{x1},{y} L{x2},{y}", (x1 + x2) / 2, y - 4, "middle"
    y1, y2 = sy + BOX_H / 2, dy + BOX_H / 2
    if sx + BOX_W / 2 > width / 2:  # route along the right edge
        x1, x2 = sx + BOX_W, dx + BOX_W
        bend = max(x1, x2) + 22 + step * 10
        return f"M{x1},{y1} C{bend},{y1} {bend},{y2} {x2},{y2}", bend - 4, (y1 + y2) / 2, "end"
    x1, x2 = sx, dx
    bend = min(x1, x2) - 22 - step * 10
    return f"M{x1},{y1} C{bend},{y1} {bend},{y2} {x2},{y2}", bend + 4, (y1 + y2) / 2, "start"


def svg(definition, counts, state_label, trigger_label, link=None, title="process"):
    """Return the diagram as SVG markup; link(state) gives each box's URL (or None)."""
    pairs = edges(definition)
    back = back_edges(definition, pairs)
    depth = layers(definition, pairs, back)
    places, width, height = layout(definition, depth)
    out = [f'<svg class="process-diagram" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
           f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
           'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrowhead"/></marker></defs>']
    labels, stays, step = [], {}, 0
    for (source, dest), triggers in pairs.items():
        text = escape("/".join(trigger_label(t) for t in triggers))
        if source == dest:
            stays[source] = text
            continue
        is_back = (source, dest) in back
        step += is_back
        data, lx, ly, anchor = _path(source, dest, places, width, is_back, step % 3)
        kind = "back" if is_back else "forward"
        out.append(f'<path class="edge edge-{kind}" d="{data}" marker-end="url(#arrow)" '
                   f'data-from="{source}" data-to="{dest}"><title>{text}</title></path>')
        labels.append(f'<text class="edge-label edge-label-{kind}" x="{lx:.0f}" y="{ly:.0f}" '
                      f'text-anchor="{anchor}">{text}</text>')
    out.extend(labels)
    for state in definition.states:
        out.append(_box(state, places[state], counts.get(state, 0), state_label(state), stays.get(state),
                        link, definition))
    out.append("</svg>")
    return Markup("".join(out))


def _box(state, place, count, text, stay, link, definition):
    x, y = place
    kind = "initial" if state == definition.initial else ("final" if not definition.transitions_from(state) else "")
    middle = x + BOX_W / 2
    body = (f'<rect class="state-box {kind}" x="{x:.0f}" y="{y:.0f}" width="{BOX_W}" height="{BOX_H}" rx="8"/>'
            f'<text class="state-name" x="{middle:.0f}" y="{y + 20:.0f}">{escape(text)}</text>'
            f'<text class="state-count" x="{middle:.0f}" y="{y + 40:.0f}">{count}</text>')
    if stay:
        body += f'<text class="state-stay" x="{middle:.0f}" y="{y + 55:.0f}">↻ {stay}</text>'
    url = link(state) if link else None
    group = f'<g class="state" data-state="{state}" data-count="{count}">{body}</g>'
    return f'<a href="{escape(url)}">{group}</a>' if url else group
