"""Shared test fixtures.

Skips for missing parts: a test that needs a browser or PostgreSQL calls `require(...)`; on a
user's machine it is skipped with the reason, and with PORTAL_STRICT_SKIPS=1 (set by .ci/run)
the skip becomes a failure, so that in CI every test runs.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.db import connection

ARTIFACTS_DIR = Path(os.environ.get("PORTAL_TEST_ARTIFACTS", Path(__file__).resolve().parent.parent / "var" / "test-artifacts"))
CHROMIUM_PATH = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def strict_skips() -> bool:
    return os.environ.get("PORTAL_STRICT_SKIPS", "") in {"1", "true", "yes"}


def require(condition: bool, reason: str) -> None:
    """Skip (or, in CI, fail) when a part the test needs is missing on this machine."""
    if condition:
        return
    if strict_skips():
        pytest.fail(f"required in CI (PORTAL_STRICT_SKIPS=1): {reason}")
    pytest.skip(reason)


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture
def postgresql_only():
    """For behaviour that only PostgreSQL has (triggers, GIN indexes). On SQLite the test is
    skipped, not failed: CI runs the same suite on PostgreSQL, where it runs."""
    if not on_postgresql():
        pytest.skip("PostgreSQL only; runs in the PostgreSQL pass of .ci/run")


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS_DIR


@pytest.fixture
def browser():
    """Debian's chromium driven by Playwright (never `playwright install`).

    One per test, not per session: Playwright's sync API keeps an event loop running in the
    test thread while it is open, which breaks later `asyncio.run()` calls and gives Django
    other connection objects. Browser tests are transactional: the data they need comes from
    load_demo (which re-creates the home page after a flush), not from serialized_rollback."""
    require(Path(CHROMIUM_PATH).exists() or shutil.which("chromium") is not None,
            f"no chromium at {CHROMIUM_PATH} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the test extras install it
        require(False, "playwright is not installed (pip install -e '.[test]')")
    executable = CHROMIUM_PATH if Path(CHROMIUM_PATH).exists() else shutil.which("chromium")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser page with a Chinese locale, pointed at the live test server."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900},
                                  base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache(settings, tmp_path):
    """Each test starts with an empty process-local cache (never a developer's REDIS_URL),
    so that no page kept by portal/page_cache.py leaks from one test into another. The page
    cache is off unless a test turns it on (tests/portal/test_page_cache.py does): tests that
    count a page's queries or change rows behind Wagtail's back read the database."""
    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "portal-tests"}}
    settings.PORTAL_PAGE_CACHE_SECONDS = 0
    # the pages' generation stamp of this test alone: the default file in the temporary
    # folder is shared by every process on the machine, so another test run (or a served
    # portal) renewing it would empty this test's page memory between two requests
    settings.PORTAL_PAGE_CACHE_STAMP = tmp_path / "page-cache.stamp"
    cache.clear()
    yield
    cache.clear()
