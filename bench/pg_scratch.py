"""The scratch PostgreSQL database a benchmark generates its data in: on the server of
DATABASE_URL (default the local test server), under the benchmark's own name, created and
dropped through the server's `postgres` database."""

from __future__ import annotations

import os
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def server_url() -> str:
    return os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")


def database_url(name: str) -> str:
    return server_url().rsplit("/", 1)[0] + "/" + name


def admin_execute(sql: str) -> None:
    import psycopg

    with psycopg.connect(database_url("postgres"), autocommit=True) as connection:
        connection.execute(sql)


def django_setup(name: str) -> None:
    """Django's settings pointed at the scratch database `name`; exits unless it is PostgreSQL."""
    sys.path.insert(0, str(PROJECT))
    os.environ["DATABASE_URL"] = database_url(name)
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    import django

    django.setup()
    from django.conf import settings

    if not settings.DATABASES["default"]["ENGINE"].endswith(".postgresql"):
        sys.exit(f"{name} needs PostgreSQL")
