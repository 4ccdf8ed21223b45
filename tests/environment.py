"""Loaded by pytest before Django reads its settings (`-p tests.environment` in
pyproject.toml): the test run's own environment, without touching a developer's shell."""

import os
import tempfile

os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("PORTAL_DEMO", "1")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
# Files written by tests go to a temporary folder, never into var/media.
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="portal-test-media-"))
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright sync API runs an event loop in the test thread
os.environ.setdefault("STATIC_ROOT", tempfile.mkdtemp(prefix="portal-test-static-"))
