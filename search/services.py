"""Running a search for a reader, and keeping the index up to date.

``cases_search`` / ``rules_search`` answer a query with only what the reader may see and
write the access-log line (access.events.Action.SEARCH) with the ids of the entries it
returned before the results leave the server (第二十八条).
"""

from __future__ import annotations

from access.events import Action, Outcome, access_log_write

from .backends import Query, Results, get_backend
from .visibility import visible_entries


def search_run(*, actor, query: Query, request=None) -> Results:
    backend = get_backend()
    visible = visible_entries(actor, scope=query.scope)
    results = backend.search(query, visible=visible)
    access_log_write(
        actor=actor, action=Action.SEARCH, outcome=Outcome.OK, request=request,
        detail={
            "q": query.text[:200], "scope": query.scope, "sort": query.sort,
            "filters": {key: str(value)[:40] for key, value in dict(query.filters).items()
                        if value not in (None, "")},
            "page": results.page, "total": results.total, "cases": results.cases,
            **({} if results.total_exact else {"total_at_least": True}),
            "ids": [hit.key for hit in results.hits],
            "case_ids": sorted({hit.case_id for hit in results.hits if hit.case_id}),
        })
    return results
