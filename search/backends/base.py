"""The interface every search backend implements, and what they share.

    backend = get_backend()
    backend.index_documents(docs)        # upsert IndexDocuments (search.documents)
    backend.delete(keys)                 # drop entries by key
    backend.search(query, visible=qs)    # Results: hits, counts, facets, snippets

``visible`` is the reader's visibility filter as a queryset of SearchEntry rows
(search.visibility.visible_entries, built from the access gate's selectors): a database
backend adds its text match to that queryset, so the results, and the counts and facet
counts (one statement for all of them, search.backends.summary), come from SQL over what the
reader may see; Elasticsearch filters by the ids of the same queryset. Every backend keeps
the SearchEntry rows (the catalogue of what is indexed, and what the visibility filter runs
on); the engine part is theirs.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

from django.db import transaction
from django.db.models import Q, QuerySet

from ..documents import IndexDocument
from ..models import EntryKind, SearchEntry
from ..segmentation import parse_query, query_token_set
from ..snippets import add_snippets
from .rows import entries_clear, entries_rebuilding, entries_write

#: facet name → SearchEntry column
FACET_COLUMNS = {
    "kind": "act_kind", "unit": "unit_id", "year": "year", "state": "state",
    "classification": "case_mark",
}
FACETS = (*FACET_COLUMNS, "officer")
SORTS = ("relevance", "date")
PER_PAGE = 20
MAX_PAGE = 500


@dataclass(frozen=True)
class Query:
    text: str = ""
    scope: str = "cases"  # "cases" or "rules"
    filters: Mapping[str, str] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    per_page: int = PER_PAGE

    def parsed(self):
        return parse_query(self.text)

    def clean_page(self) -> int:
        return min(max(int(self.page or 1), 1), MAX_PAGE)


@dataclass
class Hit:
    entry_id: int
    key: str
    kind: str
    title: str
    url: str
    date: object
    case_id: int | None
    score: float | None = None
    text: str = ""
    snippet: str = ""

    @property
    def kind_label(self) -> str:
        return EntryKind(self.kind).label if self.kind in EntryKind.values else self.kind


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int
    label: str = ""


@dataclass
class Results:
    hits: list[Hit]
    total: int                       # matching entries the reader may see
    cases: int                       # distinct cases among them
    facets: dict[str, list[FacetValue]]
    page: int
    per_page: int
    tokens: frozenset[str] = frozenset()
    total_exact: bool = True         # False: at least `total` match (search.backends.summary)

    @property
    def first_number(self) -> int:
        return (self.page - 1) * self.per_page + 1

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def filter_q(filters: Mapping[str, str]) -> Q:
    """The facet filters as a Q on SearchEntry; unknown names are ignored, odd values give
    nothing (never an error that says more than "no results")."""
    condition = Q()
    for name, value in (filters or {}).items():
        if value in (None, ""):
            continue
        value = str(value)
        if name == "officer":
            condition &= Q(officers__officer_id=int(value)) if value.isdigit() else Q(pk__in=[])
        elif name in ("unit", "year"):
            condition &= Q(**{FACET_COLUMNS[name]: int(value)}) if value.isdigit() else Q(pk__in=[])
        elif name in FACET_COLUMNS:
            condition &= Q(**{FACET_COLUMNS[name]: value})
    return condition


class SearchBackend:
    name = "base"

    # --- indexing ----------------------------------------------------------------------
    def index_documents(self, docs: Iterable[IndexDocument]) -> int:
        docs = list(docs)
        if docs:
            with transaction.atomic():
                self._store(docs)
                self._index_engine(docs)
        return len(docs)

    def delete(self, keys: Iterable[str]) -> int:
        keys = list(keys)
        if not keys:
            return 0
        with transaction.atomic():
            self._delete_engine(keys)
            deleted, _ = SearchEntry.objects.filter(key__in=keys).delete()
        return deleted

    def replace_case(self, case_id: int, docs: Sequence[IndexDocument]) -> None:
        """Index a case's documents and drop its entries that no longer exist."""
        self.replace_cases([case_id], docs)

    def replace_cases(self, case_ids: Iterable[int], docs: Sequence[IndexDocument]) -> None:
        """Index the documents of these cases and drop every other entry of theirs (all of
        them for a case that no longer exists), in one transaction."""
        keys = {doc.key for doc in docs}
        stale = [key for key in SearchEntry.objects.filter(case_id__in=list(case_ids))
                 .exclude(kind=EntryKind.PAGE).values_list("key", flat=True)
                 if key not in keys]
        with transaction.atomic():
            self.delete(stale)
            self.index_documents(docs)

    def _store(self, docs: list[IndexDocument]) -> None:
        entries_write(docs)

    def _index_engine(self, docs: list[IndexDocument]) -> None:
        """What the engine needs beyond the SearchEntry rows (nothing for the databases:
        a trigger or a generated column follows the rows)."""

    def _delete_engine(self, keys: list[str]) -> None:
        pass

    def clear(self) -> None:
        with transaction.atomic():
            self._clear_engine()
            entries_clear()

    @contextmanager
    def rebuilding(self):
        """Around emptying the index and filling it again (``reindex --clear``, not while
        serving): what is faster built at the end than kept up row by row is built at the
        end (search.backends.rows.entries_rebuilding)."""
        with entries_rebuilding():
            yield

    def _clear_engine(self) -> None:
        pass

    # --- searching ---------------------------------------------------------------------
    def search(self, query: Query, *, visible: QuerySet, facets: Sequence[str] = FACETS,
               sort: str | None = None, page: int | None = None) -> Results:
        sort = sort or query.sort
        sort = sort if sort in SORTS else "relevance"
        page = page or query.clean_page()
        parsed = query.parsed()
        tokens = frozenset(query_token_set(parsed))
        if query.text.strip() and not parsed:  # only stop words or punctuation
            return Results([], 0, 0, {name: [] for name in facets}, page, query.per_page, tokens)
        scoped = visible.filter(filter_q(query.filters))
        results = self._search(parsed, scoped, facets=facets, sort=sort, page=page,
                               per_page=query.per_page, scope=query.scope)
        results.tokens = tokens
        add_snippets(results.hits, tokens)  # the page's rows only, masked
        return results

    def _search(self, parsed, scoped: QuerySet, *, facets, sort, page, per_page,
                scope) -> Results:
        raise NotImplementedError


def hits_from_rows(rows) -> list[Hit]:
    return [Hit(entry_id=row["id"], key=row["key"], kind=row["kind"], title=row["title"],
                url=row["url"], date=row["date"], case_id=row["case_id"],
                score=row.get("rank"), text=row["text"]) for row in rows]


HIT_FIELDS = ("id", "key", "kind", "title", "url", "date", "case_id", "text")
