"""The enrolment QR code, drawn on the server as inline SVG: the secret never leaves the
portal for a third-party QR service."""

from __future__ import annotations

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(text: str, *, title: str = "", scale: int = 5) -> SafeString:
    """An inline ``<svg>`` of ``text`` as a QR code, black on white with a quiet zone."""
    code = segno.make(text, error="m", micro=False)
    svg = code.svg_inline(scale=scale, border=4, dark="#000", light="#fff", title=title or None,
                          svgclass="totp-qr__image")
    return mark_safe(svg)  # segno escapes the title; the rest is path data it draws itself
