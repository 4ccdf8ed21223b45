"""Wagtail's page serving with a per-process memory of the site and of each address's page.

Before Wagtail routes a request, it asks for the site (one query with a CASE annotation), the
home page's specific row, and then walks the tree to the page (two queries per level; below
the rules index, `RulesIndexPage.route` finds the page by `url_path` in one). For an uncached
article that was 5 of its 7 queries and most of its CPU (bench/README.md, bench_pages). This
view remembers, in each worker process:

- the site for each (host, port), as `Site.find_for_request` chose it;
- for each address Wagtail answered with a page of its own (no route arguments, the page at its
  own `url_path`): the page's id and specific class.

A remembered address costs one query: the page's row by primary key (with its specific
table). That row is the proof, read on every request: the answer is used only when the page
is still live and still at that address (its `url_path`); otherwise Wagtail routes as before
and the memory is corrected. So publishing a new revision, unpublishing, moving, renaming and
deleting show at once in every process without any message between them: none of them can
make a remembered address serve a wrong page, because the row says so.

What the row cannot tell is a change of the Site rows (host names, ports, the root page). Both
memories are therefore kept under the page cache's generation (portal/page_cache.py), which
every publish, unpublish, move, page save or delete, page-privacy change and Site change
renews at once and again on commit: this process sees it on its next request, the other
worker processes of the server through the stamp file, other servers through the shared cache
(REDIS_URL); and where the generation cannot travel (several servers without REDIS_URL), the
memory starts again every minute anyway. An entry carries the generation it was learnt under,
so that an answer read before a change is never kept under the generation after it.

Only addresses below a root whose subtree routes as Wagtail's `Page.route` does are remembered
(`routing.routes_plainly`): a RoutablePageMixin page or another page type with its own
`route()` below the root turns the memory off for that site. With WAGTAIL_I18N_ENABLED the
root page depends on the language; the memory is then off as well.
"""

from __future__ import annotations

import copy
import functools
import threading
from dataclasses import dataclass
from time import monotonic

from django.conf import settings
from django.db import connections
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.http.request import split_domain_port
from django.urls import re_path
from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views
from wagtail.models import Page, Site
from wagtail.url_routing import RouteResult

from portal.page_cache import page_cache_generation
from portal.pages.routing import (UNRESTRICTED, UNRESTRICTED_SQL, QuickServeMixin,
                                  routes_plainly)

MEMORY_SECONDS = 60
SITE_LIMIT = 64        # (host, port) pairs; only allowed hosts get this far
ROUTE_LIMIT = 4096     # addresses of pages: the memory is emptied when it is full


class PageServingMemory:
    """The memories of one process. Entries are (generation, answer): an entry is good
    only under the generation it was learnt in; a new generation empties them all. Besides
    the sites and routes, `pages` keeps what page types work out from addresses and titles
    (`remembered`)."""

    def __init__(self):
        self.generation: str | None = None
        self.sites: dict[tuple[str, str], tuple[str, Site | None]] = {}
        self.routes: dict[tuple[int, str], tuple[str, int, type[Page]]] = {}
        self.pages: dict = {}
        self._lock = threading.Lock()

    def renew(self, generation: str) -> None:
        if generation != self.generation:
            with self._lock:
                self.sites, self.routes, self.pages = {}, {}, {}
                self.generation = generation

    def keep(self, memory: dict, key, entry, limit: int) -> None:
        if len(memory) >= limit:
            memory.clear()
        memory[key] = entry


memory = PageServingMemory()
PAGES_LIMIT = 4096


def remembered(request, key, compute):
    """`compute()`, remembered in this process under the generation this request is served
    in (set by `serve`): for what only a publish, a move or a Site change can alter, such as
    the articles' addresses or a parent's title. Outside a served request, computed."""
    generation = getattr(request, "portal_pages_generation", None)
    if generation is None:
        return compute()
    entry = memory.pages.get(key)
    if entry is not None and entry[0] == generation:
        return entry[1]
    value = compute()
    memory.keep(memory.pages, key, (generation, value), PAGES_LIMIT)
    return value


def memory_in_use() -> bool:
    return not getattr(settings, "WAGTAIL_I18N_ENABLED", False)


def memory_generation() -> str:
    """The page cache's generation, and the minute: the memory starts again at least every
    MEMORY_SECONDS, so that where the generation cannot travel between processes (several
    servers without REDIS_URL, a stamp file that cannot be written) a Site change is still
    seen within a minute."""
    return f"{page_cache_generation()}:{int(monotonic() // MEMORY_SECONDS)}"


# --- the site ------------------------------------------------------------------------------

def _copy_of(site: Site | None) -> Site | None:
    """Each request gets its own Site and root page objects: Wagtail caches things on them
    (`.specific`, the site-root paths), which must not pass from one request to the next."""
    if site is None:
        return None
    fresh = copy.copy(site)
    fresh.root_page = copy.copy(site.root_page)
    return fresh


def site_for_request(request, generation: str) -> Site | None:
    """`Site.find_for_request`, remembered per (host, port) under the generation."""
    if hasattr(request, "_wagtail_site"):
        return request._wagtail_site
    key = (split_domain_port(request._get_raw_host())[0], request.get_port())
    entry = memory.sites.get(key)
    if entry is not None and entry[0] == generation:
        request._wagtail_site = _copy_of(entry[1])
        return request._wagtail_site
    site = Site.find_for_request(request)  # Wagtail's choice, left on the request
    memory.keep(memory.sites, key, (generation, _copy_of(site)), SITE_LIMIT)
    return site


# --- the route -----------------------------------------------------------------------------

def _components(path: str) -> list[str]:
    return [component for component in path.split("/") if component]


def _address(site: Site, components: list[str]) -> str:
    """The `url_path` the page at these path components below the site's root must have."""
    tail = "/".join(components)
    return site.root_page.url_path + (tail + "/" if tail else "")


@functools.cache
def _row_sql(model: type[Page], alias: str) -> str:
    """The SQL of `model.objects.filter(pk=…)` (the page's row joined with its specific
    table), compiled once per process: compiling the ORM query for a page type's forty-odd
    columns costs several times what the database takes to answer it. Page types whose view
    restrictions routing.QuickServeMixin checks also get the column that says there are none
    to find, so that a public page's check costs no query."""
    rows = model._default_manager.filter(pk=0)
    if issubclass(model, QuickServeMixin):
        rows = rows.annotate(**{UNRESTRICTED: RawSQL(UNRESTRICTED_SQL, [],
                                                     output_field=BooleanField())})
    sql, params = rows.query.get_compiler(using=alias).as_sql()
    if len(params) != 1:  # pragma: no cover - a page manager that filters by default
        raise ValueError(f"{model.__name__}: expected one parameter, got {params!r}")
    return sql


@dataclass(frozen=True)
class _RowReading:
    """How Django's raw queryset turns the row of `_row_sql` into a page: which columns
    initialise the model, which are annotations, and the database converters of each
    column. Worked out once per page type and database, from the first row read."""

    names: tuple[str, ...]
    positions: tuple[int, ...]
    annotations: tuple[tuple[str, int], ...]
    converters: dict


_readings: dict[tuple[type[Page], str], _RowReading] = {}


def page_row(model: type[Page], page_id: int) -> Page | None:
    """The page of this type and id as `model.objects.filter(pk=page_id).first()` loads it.

    The first time, through Django's raw queryset (RawModelIterable); after that the row is
    read with a plain cursor and turned into the page the same way, with what that first
    time worked out (_RowReading): the raw queryset works out the column order, the model's
    fields and their converters again for every row, a third of an uncached page's reading
    of its row (bench/README.md, bench_pages)."""
    manager = model._default_manager
    alias = manager.db
    sql = _row_sql(model, alias)
    reading = _readings.get((model, alias))
    if reading is None:
        rows = manager.raw(sql, [page_id])
        page = next(iter(rows), None)
        if page is not None:
            _readings[(model, alias)] = _reading_of(rows, alias)
        return page
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(sql, [page_id])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for position, (converters, expression) in reading.converters.items():
        value = values[position]
        for converter in converters:  # as SQLCompiler.apply_converters does
            value = converter(value, expression, connection)
        values[position] = value
    page = model.from_db(alias, reading.names, [values[i] for i in reading.positions])
    for column, position in reading.annotations:
        setattr(page, column, values[position])
    return page


def _reading_of(rows, alias: str) -> _RowReading:
    """What RawModelIterable works out for each row of `rows` (already read once)."""
    names, positions, annotations = rows.resolve_model_init_order()
    connection = connections[alias]
    compiler = connection.ops.compiler("SQLCompiler")(rows.query, connection, alias)
    fields = [rows.model_fields.get(column) for column in rows.columns]
    columns = [field.get_col(field.model._meta.db_table) if field else None for field in fields]
    return _RowReading(tuple(names), tuple(positions), tuple(annotations),
                       compiler.get_converters(columns))


def _remembered(request, site: Site, components: list[str], entry) -> RouteResult | None:
    """The remembered page, if its row (read now) is live and still at this address."""
    _generation, page_id, model = entry
    page = page_row(model, page_id)
    if page is None or page.url_path != _address(site, components):
        return None
    try:
        # the last step of Wagtail's walk: the page's own answer for an empty remainder
        result = page.route(request, [])
    except Http404:
        return None
    return result if result is not None and result[0].pk == page_id else None


def _may_remember(site: Site, components: list[str], result) -> bool:
    if result is None:
        return False
    page, args, kwargs = result
    root_model = site.root_page.specific_class
    return (not args and not kwargs and page.pk is not None
            and page.url_path == _address(site, components)
            and root_model is not None and routes_plainly(root_model))


def route_for_request(request, path: str, generation: str):
    """What `Page.route_for_request` answers (and leaves on the request for Wagtail's serve),
    with one query for a remembered address."""
    if hasattr(request, "_wagtail_route_for_request"):
        return request._wagtail_route_for_request
    site = site_for_request(request, generation)
    if site is None:
        return Page.route_for_request(request, path)
    components = _components(path)
    key = (site.pk, "/".join(components))
    entry = memory.routes.get(key)
    if entry is not None and entry[0] == generation:
        result = _remembered(request, site, components, entry)
        if result is not None:
            request._wagtail_route_for_request = result
            return result
    result = Page.route_for_request(request, path)  # Wagtail's walk, on the remembered site
    if _may_remember(site, components, result):
        memory.keep(memory.routes, key, (generation, result[0].pk, type(result[0])),
                    ROUTE_LIMIT)
    return result


def serve(request, path):
    """Wagtail's `serve` view (hooks, view restrictions, the page's own serve), routed
    through the memory first."""
    if memory_in_use():
        generation = memory_generation()
        memory.renew(generation)
        # for the pages' own per-process memories (the article addresses, portal/pages/links.py)
        request.portal_pages_generation = generation
        route_for_request(request, path, generation)
    return wagtail_views.serve(request, path)


# Wagtail's own URL patterns, with this view in place of its page-serving one (same name,
# same pattern): portal/urls.py includes these instead of wagtail.urls.
urlpatterns = [
    *[pattern for pattern in wagtail_urls.urlpatterns
      if getattr(pattern, "name", None) != "wagtail_serve"],
    re_path(wagtail_urls.serve_pattern, serve, name="wagtail_serve"),
]
