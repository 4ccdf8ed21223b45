"""The search page (/search/): a query box, facets and filters, sorting, highlighted
snippets and pages; cases for people who are logged in, and the rule pages as their own
scope. Only what the reader may see (第二十九条); every query is in the access log."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .backends import FACETS, SORTS, Query
from .facets import FACET_TITLES, labelled
from .services import search_run

SCOPES = {"cases": "案卷", "rules": "规则指引"}


def _page_number(value) -> int:
    try:
        return max(1, min(int(value), 500))
    except (TypeError, ValueError):
        return 1


def _case_url(case_id: int) -> str:
    try:
        return reverse("records:case", args=[case_id])
    except NoReverseMatch:
        return ""


@never_cache
@require_GET
def search(request):
    text = (request.GET.get("q") or "").strip()[:200]
    logged_in = request.user.is_authenticated
    scope = request.GET.get("scope") or ("cases" if logged_in else "rules")
    scope = scope if scope in SCOPES else "cases"
    sort = request.GET.get("sort") if request.GET.get("sort") in SORTS else "relevance"
    filters = {name: request.GET.get(name, "")[:40] for name in FACETS if request.GET.get(name)}
    context = {"q": text, "scope": scope, "scopes": SCOPES, "sort": sort, "filters": filters,
               "results": None, "needs_login": scope == "cases" and not logged_in}
    if not context["needs_login"] and (text or (filters and scope == "cases")):
        query = Query(text=text, scope=scope, filters=filters if scope == "cases" else {},
                      sort=sort, page=_page_number(request.GET.get("page")))
        results = search_run(actor=request.user if logged_in else None, query=query,
                             request=request)
        for hit in results.hits:
            if not hit.url and hit.case_id:
                hit.url = _case_url(hit.case_id)
        context["results"] = results
        context["facets"] = [
            {"name": name, "title": FACET_TITLES[name], "values": values,
             "active": filters.get(name, "")}
            for name, values in labelled(results.facets).items() if values]
        base = {"q": text, "scope": scope, "sort": sort, **filters}
        context["page_links"] = {
            "previous": urlencode({**base, "page": results.page - 1}) if results.page > 1 else "",
            "next": urlencode({**base, "page": results.page + 1})
            if results.page < results.pages else "",
        }
        for facet in context["facets"]:
            for value in facet["values"]:
                chosen = {**base, facet["name"]: value.value}
                if facet["active"] == value.value:
                    chosen.pop(facet["name"])
                value_link = urlencode(chosen)
                facet.setdefault("links", []).append(
                    (value, value_link, facet["active"] == value.value))
        context["sort_links"] = {name: urlencode({**base, "sort": name}) for name in SORTS}
    return render(request, "search/search.html", context)
