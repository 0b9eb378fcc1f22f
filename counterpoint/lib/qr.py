"""QR codes as SVG markup, drawn on the server so a projector needs no script to show one."""

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(data: str) -> SafeString:
    """An inline <svg> of `data` as a QR code, sized by CSS (it carries only a viewBox).

    segno draws the modules as one path with `stroke` and `fill` attributes and no `style`
    attribute or element, so the strict CSP allows it inline. Dark on a white ground with the
    standard four-module quiet zone, whatever the page's theme, because phone cameras read
    dark-on-light codes most reliably. Error level M survives a glare spot on a projector screen.
    """
    code = segno.make(data, error="m", boost_error=False)
    svg = code.svg_inline(
        dark="#000", light="#fff", border=4, omitsize=True, svgclass="qr-code", lineclass=None
    )
    # Safe: the markup is segno's own; `data` is encoded as the path's geometry, never as text.
    return mark_safe(svg)  # noqa: S308
