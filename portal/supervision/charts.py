"""Bar charts drawn on the server as SVG (no script, no CDN): each chart is printed beside
the table it is drawn from."""

from __future__ import annotations

from html import escape

from django.utils.safestring import mark_safe


def bar_chart(rows: list[tuple[str, int]], *, title: str, width: int = 560,
              bar_height: int = 18, colour: str = "#1f5f9e") -> str:
    """Horizontal bars, one per (label, value) row, the value written at the bar's end."""
    label_width, gap = 170, 6
    top = 28
    height = top + len(rows) * (bar_height + gap) + 10
    largest = max((value for _, value in rows), default=0) or 1
    room = width - label_width - 60
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="supervision-chart" role="img" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'aria-label="{escape(title)}">',
             f'<title>{escape(title)}</title>',
             f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>']
    for index, (label, value) in enumerate(rows):
        y = top + index * (bar_height + gap)
        length = int(room * value / largest)
        parts.append(f'<text x="{label_width - 6}" y="{y + bar_height - 5}" font-size="12" '
                     f'text-anchor="end">{escape(str(label))}</text>')
        parts.append(f'<rect x="{label_width}" y="{y}" width="{max(length, 1)}" '
                     f'height="{bar_height}" fill="{colour}"/>')
        parts.append(f'<text x="{label_width + length + 4}" y="{y + bar_height - 5}" '
                     f'font-size="12">{value}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
