"""The parts of every page's header that are loops (base.html): the main navigation and the
language links, drawn in Python.

As template loops, with a `{% url %}`, a filter chain and a `{% translate %}` per item, these
two were about half of base.html's drawing time, which every page pays (bench/README.md,
bench_pages). The markup is the same as the template's was.
"""

from __future__ import annotations

from functools import cache
from urllib.parse import quote

from django import template
from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from portal.areas import AREAS

register = template.Library()


@cache
def _language_url(code: str, script_prefix: str) -> str:
    """Reversed once per process; the script prefix (which reverse() reads) is in the key."""
    return reverse("portal:language", args=[code])


@register.simple_tag(takes_context=True)
def site_nav_items(context) -> SafeString:
    """The areas as <li> links, the one the page belongs to marked current."""
    request = context.get("request")
    here = request.path[:4] if request is not None else None
    items = []
    for area in AREAS:
        current = ' aria-current="page"' if here == area.path[:4] else ""
        items.append(f'<li><a href="{escape(area.path)}"{current}>'
                     f"{escape(gettext(area.title))}</a></li>")
    return mark_safe("\n        ".join(items))


@register.simple_tag(takes_context=True)
def language_links(context) -> SafeString:
    """Each interface language by its own name: the current one in bold, the others as plain
    links that come back to this page (links, not a form: an anonymous page carries no CSRF
    token)."""
    request = context.get("request")
    back = quote(request.get_full_path(), safe="/") if request is not None else "%2F"
    current, prefix = get_language(), get_script_prefix()
    parts = []
    for code, name in settings.LANGUAGES:
        # each language by its own name (简体中文, English), untranslated, so that a reader
        # finds the language they read whatever the page is in
        code_, name_ = escape(code), escape(name)
        if code == current:
            parts.append(f'<span lang="{code_}" aria-current="true">'
                         f'<strong>{name_}</strong></span>')
        else:
            parts.append(f'<a href="{escape(_language_url(code, prefix))}?next={escape(back)}" '
                         f'lang="{code_}" hreflang="{code_}" rel="nofollow">{name_}</a>')
    return mark_safe(" · ".join(parts))
