"""Template helpers of the rules area."""

from __future__ import annotations

from django import template

from portal.pages.links import citations_linked

register = template.Library()


@register.filter(needs_autoescape=True)
def article_links(text, urls, autoescape=True):
    """Every "第N条" in the text becomes a link to the article's page (urls: article_urls())."""
    return citations_linked(text, urls, autoescape=autoescape)
