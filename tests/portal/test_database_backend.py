"""The PostgreSQL back-end (portal/database/postgresql/base.py): a persistent connection that
ended a request cleanly a moment ago is not pinged before the next request; one idle for
longer, or one whose request had a database error, is pinged as Django does."""

from __future__ import annotations

import pytest
from django.db import connections

from portal.database.postgresql.base import DatabaseWrapper, settled

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("postgresql_only")]
connection = connections["default"]  # the wrapper itself, not django.db's proxy to it


@pytest.fixture
def pings(monkeypatch):
    """The real health check, counted."""
    counted = []
    real = connection.is_usable

    def is_usable():
        counted.append(1)
        return real()

    monkeypatch.setattr(connection, "is_usable", is_usable)
    monkeypatch.setattr(connection, "health_check_enabled", True)
    connection.ensure_connection()
    return counted


def _next_request_starts():
    """What Django does between two requests on a persistent connection
    (close_if_unusable_or_obsolete), then the first query of the new request."""
    connection.health_check_done = False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def test_the_project_uses_this_back_end():
    assert isinstance(connection, DatabaseWrapper)


def test_a_connection_that_just_ended_a_request_cleanly_is_not_pinged(pings):
    settled()
    _next_request_starts()
    assert pings == []
    assert connection.health_check_done


def test_a_connection_idle_for_longer_is_pinged(pings):
    settled()
    connection.settled_at -= DatabaseWrapper.HEALTH_CHECK_AFTER_IDLE + 0.5
    _next_request_starts()
    assert pings == [1]


def test_a_connection_whose_request_had_a_database_error_is_pinged(pings):
    connection.settled_at = None
    connection.errors_occurred = True
    try:
        settled()  # not stamped: the request did not end cleanly
    finally:
        connection.errors_occurred = False
    _next_request_starts()
    assert pings == [1]


def test_a_connection_never_stamped_is_pinged(pings):
    connection.settled_at = None
    _next_request_starts()
    assert pings == [1]
