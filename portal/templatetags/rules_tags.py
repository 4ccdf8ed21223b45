"""Template helpers of the rules area."""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from portal.pages.links import CITATION, article_anchor
from portal.regulation_text import chinese_number

register = template.Library()


@register.filter(needs_autoescape=True)
def article_links(text, urls, autoescape=True):
    """Every "第N条" in the text becomes a link to the article's page (urls: article_urls())."""
    escaped = conditional_escape(text) if autoescape else str(text)

    def link(match):
        try:
            number = chinese_number(match["number"])
        except ValueError:
            return match[0]
        url = (urls or {}).get(number)
        if not url:
            return match[0]
        return format_html('<a class="article-link" href="{}#{}">{}</a>', url,
                           article_anchor(number), match[0])

    return mark_safe(CITATION.sub(link, str(escaped)))
