"""The card's QR code, drawn here as inline SVG (segno): no external service, no image file."""

import segno
from markupsafe import Markup


def svg(url):
    """An inline <svg> of url; error correction M survives a worn, folded card."""
    code = segno.make(url, error="m")
    return Markup(code.svg_inline(scale=4, border=2, dark="#000", light="#fff", title="二维码", svgclass="qr"))
