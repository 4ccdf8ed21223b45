"""Search backends behind one interface (search.backends.base): the database in use by
default (SQLite FTS5 or PostgreSQL full-text search), Elasticsearch when ELASTICSEARCH_URL is
set. Nothing outside this package asks which one runs."""

from __future__ import annotations

from django.conf import settings
from django.db import connection

from .base import FACETS, SORTS, FacetValue, Hit, Query, Results, SearchBackend


def database_backend() -> SearchBackend:
    from .database import PostgresBackend, SQLiteBackend

    return PostgresBackend() if connection.vendor == "postgresql" else SQLiteBackend()


def get_backend() -> SearchBackend:
    if getattr(settings, "ELASTICSEARCH_URL", ""):
        from .elasticsearch import ElasticsearchBackend

        return ElasticsearchBackend()
    return database_backend()


__all__ = ["FACETS", "SORTS", "FacetValue", "Hit", "Query", "Results", "SearchBackend",
           "database_backend", "get_backend"]
