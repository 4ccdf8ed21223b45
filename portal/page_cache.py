"""Anonymous full-page cache for the public Wagtail pages (the rules, the home page).

Two parts, because neither alone can do it right and fast:
- `AnonymousPageCacheMiddleware` (just inside LocaleMiddleware) answers a hit before routing,
  authentication and the page's queries run: a hit costs no database query.
- The Wagtail hook `before_serve_page` marks a request whose page is live and has no view
  restriction (on it or above it); only a marked response is ever stored. Restricted pages
  (the checklist, the guides, the wording guide) and every non-page view are never stored.

A request may use the cache only when it is a GET or HEAD with no cookie but the language and
CSRF cookies (no session: nobody is logged in; no messages) and no Authorization header. A
response is stored only when it is a 200, not streamed, sets no cookie (a page that carries a
CSRF token always sets one), leaves the session empty, adds no message, and says nothing
against caching (Cache-Control private/no-cache/no-store, Vary: *).

The key is the language LocaleMiddleware chose and the full address (scheme, host, path and
query string). Every stored page carries the generation it was drawn under; publishing,
unpublishing, moving, saving or deleting any page, and any change of page privacy or sites,
starts a new generation, so that anonymous readers see the change on their next request.
The generation is kept twice, and both must match:
- in the cache itself, for servers that share one cache (Redis, REDIS_URL);
- in a stamp file (settings.PORTAL_PAGE_CACHE_STAMP), for the worker processes of one server
  that each keep their own process-local cache (LocMemCache, the default): a publish in one
  worker is seen by the others on their next request.
A new generation is started at once and again when the transaction commits, so that a page
drawn from data not yet committed cannot be kept under the new generation.
"""

from __future__ import annotations

import hashlib
import logging
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core import checks
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from wagtail import hooks
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

logger = logging.getLogger(__name__)

KEY_PREFIX = "portal-page"
GENERATION_KEY = f"{KEY_PREFIX}:generation"
CANDIDATE = "_portal_page_cache_candidate"
CACHEABLE_PAGE = "_portal_page_cacheable"
STATUS_HEADER = "X-Page-Cache"
UNCACHEABLE_CONTROLS = ("private", "no-cache", "no-store")


# --- settings ----------------------------------------------------------------------------

def page_cache_seconds() -> int:
    """How long a page is kept; 0 turns the cache off."""
    return int(getattr(settings, "PORTAL_PAGE_CACHE_SECONDS", 0) or 0)


def stamp_path() -> Path:
    return Path(settings.PORTAL_PAGE_CACHE_STAMP)


# --- the generation ----------------------------------------------------------------------

def _stamp_read() -> str:
    try:  # os-level calls: a third of the cost of open() on every anonymous request
        descriptor = os.open(settings.PORTAL_PAGE_CACHE_STAMP, os.O_RDONLY)
    except OSError:
        return "-"
    try:
        return os.read(descriptor, 64).decode("ascii", "replace")
    finally:
        os.close(descriptor)


def _stamp_write(token: str) -> None:
    path = stamp_path()
    temporary = path.with_name(f".{path.name}.{token}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(token, encoding="ascii")
        os.replace(temporary, path)
    except OSError:
        logger.exception("page cache: cannot write the stamp %s; other worker processes "
                         "may serve old pages until they expire", path)


def page_cache_generation_start() -> None:
    """A new generation: every page kept so far is no longer served."""
    token = uuid.uuid4().hex
    _stamp_write(token)
    cache.set(GENERATION_KEY, token, timeout=None)


def page_cache_invalidate() -> None:
    """Start a new generation now and again when the current transaction commits."""
    page_cache_generation_start()
    transaction.on_commit(page_cache_generation_start)


def _generation(shared: str | None) -> str:
    if shared is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        shared = cache.get(GENERATION_KEY) or "-"
    return f"{_stamp_read()}.{shared}"


def page_cache_generation() -> str:
    """The current generation, for other per-process memories of what the pages say
    (portal/pages/serving.py keeps the site and each address's page under it)."""
    return _generation(cache.get(GENERATION_KEY))


# --- which requests and responses --------------------------------------------------------

def request_may_use_cache(request) -> bool:
    """An anonymous GET or HEAD whose cookies cannot change the page."""
    if request.method not in ("GET", "HEAD") or "HTTP_AUTHORIZATION" in request.META:
        return False
    neutral = (settings.LANGUAGE_COOKIE_NAME, settings.CSRF_COOKIE_NAME)
    return all(name in neutral for name in request.COOKIES)


def page_is_public(page: Page) -> bool:
    """Live, and no view restriction on the page or any page above it."""
    return page.live and not page.get_view_restrictions().exists()


@hooks.register("before_serve_page")
def mark_public_page(page, request, serve_args, serve_kwargs):
    # asked only for requests the middleware may keep: others pay no query for it
    if getattr(request, CANDIDATE, False) and page_is_public(page):
        setattr(request, CACHEABLE_PAGE, True)


def response_may_be_kept(request, response) -> bool:
    if not getattr(request, CACHEABLE_PAGE, False):
        return False
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in UNCACHEABLE_CONTROLS):
        return False
    if "*" in response.get("Vary", ""):
        return False
    user = getattr(request, "user", None)
    if user is None or user.is_authenticated:
        return False
    session = getattr(request, "session", None)
    if session is not None and not session.is_empty():
        return False
    return not getattr(getattr(request, "_messages", None), "added_new", False)


def page_key(request) -> str:
    """The language, and the address as the client sent it: scheme, Host header, path and
    query string. (The Host header is checked against ALLOWED_HOSTS when the page is drawn, so
    a page is only ever kept under an allowed one.)"""
    meta = request.META
    address = (f"{request.scheme}://{meta.get('HTTP_HOST', '')}{request.path}"
               f"?{meta.get('QUERY_STRING', '')}")
    digest = hashlib.sha256(address.encode("utf-8", "surrogatepass")).hexdigest()[:40]
    return f"{KEY_PREFIX}:{translation.get_language()}:{digest}"


# --- the middleware ----------------------------------------------------------------------

class AnonymousPageCacheMiddleware:
    """Install just after django.middleware.locale.LocaleMiddleware (the key needs the active
    language; a hit then skips everything inside it: routing, authentication, two factors)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = page_cache_seconds()
        if seconds <= 0 or not request_may_use_cache(request):
            return self.get_response(request)
        key = page_key(request)
        found = cache.get_many([GENERATION_KEY, key])
        generation = _generation(found.get(GENERATION_KEY))
        kept = found.get(key)
        if kept is not None and kept[0] == generation:
            return _response_from(kept)
        setattr(request, CANDIDATE, True)
        response = self.get_response(request)
        if response_may_be_kept(request, response):
            cache.set(key, _kept_from(response, generation), seconds)
            response[STATUS_HEADER] = "miss"
        return response


def _kept_from(response, generation: str) -> tuple:
    headers = [(name, value) for name, value in response.items()
               if name.lower() != STATUS_HEADER.lower()]
    return (generation, response.status_code, response.content, headers)


def _response_from(kept: tuple) -> HttpResponse:
    _generation_kept, status, content, headers = kept
    response = HttpResponse(content, status=status, headers=dict(headers))
    # as drawn, the session middleware would have added it (the page asked who is logged in)
    patch_vary_headers(response, ("Cookie",))
    response[STATUS_HEADER] = "hit"
    return response


# --- what starts a new generation --------------------------------------------------------

@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
def _page_changed(sender, **kwargs):
    page_cache_invalidate()


@receiver(post_save)
def _model_saved(sender, instance, **kwargs):
    # any Page subclass (post_save names the concrete class), page privacy, sites
    if isinstance(instance, (Page, PageViewRestriction, Site)):
        page_cache_invalidate()


@receiver(post_delete, sender=Page)
@receiver(post_delete, sender=PageViewRestriction)
@receiver(post_delete, sender=Site)
def _model_deleted(sender, **kwargs):
    page_cache_invalidate()


# --- start-up check ----------------------------------------------------------------------

@checks.register()
def page_cache_stamp_is_writable(app_configs=None, **kwargs):
    if page_cache_seconds() <= 0:
        return []
    folder = stamp_path().parent
    existing = next((path for path in (folder, *folder.parents) if path.exists()), folder)
    if existing.is_dir() and os.access(existing, os.W_OK | os.X_OK):
        return []
    return [checks.Warning(
        f"页面缓存的代次文件夹 {folder} 不可写：发布后其他工作进程可能继续显示旧页面，"
        f"最长 {page_cache_seconds()} 秒。",
        hint="Set PORTAL_PAGE_CACHE_STAMP to a writable path, or REDIS_URL.",
        id="portal.W301",
    )]
