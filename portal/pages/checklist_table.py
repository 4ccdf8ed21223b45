"""The checklist's table (第十八条) drawn in Python rather than in a template loop.

The table has a row per kind and stage (44 in the first version), each with four cells, a
list of what to show and its citations: drawn by Django's template engine that was about
60% of the page's CPU (bench/README.md, bench_pages), node by node and filter by filter.
The same HTML is built here from escaped strings in a fraction of that. The markup is the
one the stylesheet and the tests know: `checklist-group`, `checklist-table`, `checklist-row
checklist-row--<level>`, `av-level av-level--<level>`, `data-label` on each cell for the
phone layout.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

from portal.pages.links import citations_linked


@dataclass(frozen=True)
class ChecklistLabels:
    """The column labels, translated once per page by the caller."""

    stage: str
    level: str
    show: str
    content: str
    article: str


def checklist_table_html(groups: list[dict], labels: ChecklistLabels, urls) -> SafeString:
    """One section with a table per kind of act (groups: ChecklistPage.grouped_rows())."""
    stage, level, show = escape(labels.stage), escape(labels.level), escape(labels.show)
    content, article = escape(labels.content), escape(labels.article)
    head = (f'<thead><tr><th scope="col">{stage}</th><th scope="col">{level}</th>'
            f'<th scope="col">{show}</th><th scope="col">{article}</th></tr></thead>')
    parts: list[str] = []
    for group in groups:
        parts.append(f'\n<section class="checklist-group">\n  <h2>{escape(group["name"])}</h2>\n'
                     f'  <table class="checklist-table">\n    {head}\n    <tbody>')
        for item in group["rows"]:
            value = escape(item["level"].value)
            shown = ""
            if item["show"]:
                shown = "<ul>" + "".join(f"<li>{escape(line)}</li>" for line in item["show"]) \
                        + "</ul>"
            row = item["row"]
            if row.note:
                shown += f'<p class="guide-condition">{citations_linked(row.note, urls)}</p>'
            parts.append(
                f'\n      <tr class="checklist-row checklist-row--{value}">'
                f'\n        <th scope="row" data-label="{stage}">{escape(item["stage_name"])}</th>'
                f'\n        <td data-label="{level}"><span class="av-level av-level--{value}">'
                f'{escape(item["level"].label)}</span></td>'
                f'\n        <td data-label="{content}">{shown}</td>'
                f'\n        <td data-label="{article}">{citations_linked(row.article, urls)}</td>'
                f'\n      </tr>')
        parts.append("\n    </tbody>\n  </table>\n</section>")
    return mark_safe("".join(parts))
