"""Django's PostgreSQL back-end, with the health check of a persistent connection skipped
while the connection is known to work.

With CONN_HEALTH_CHECKS, Django pings a reused connection (``SELECT 1``, a round trip) before
the first query of every request. For a page that needs one query, that doubles its waits on
the database (bench/README.md, bench_pages). Here a connection that ended a request without a
database error less than HEALTH_CHECK_AFTER_IDLE seconds ago is not pinged: it worked a moment
ago. One idle for longer is pinged as before, and one that had an error is checked by Django
at the end of that request (``close_if_unusable_or_obsolete``) as before. What is given up: if
the server goes away within that second, the next request fails once instead of reconnecting;
a query in flight at that moment would have failed anyway.
"""

from __future__ import annotations

import time

from django.core.signals import request_finished
from django.db import connections
from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    #: seconds after a request ended cleanly during which the connection is not pinged
    HEALTH_CHECK_AFTER_IDLE = 1.0

    settled_at: float | None = None

    def close_if_health_check_failed(self):
        connection = self.connection
        if (connection is not None and self.health_check_enabled and not self.health_check_done
                and self.settled_at is not None
                and time.monotonic() - self.settled_at < self.HEALTH_CHECK_AFTER_IDLE
                and not connection.closed and not connection.broken):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def close(self):
        self.settled_at = None
        super().close()


def settled(**kwargs) -> None:
    """At the end of a request (after Django closed what it had to): note the connections
    that served it without a database error."""
    for wrapper in connections.all(initialized_only=True):
        if isinstance(wrapper, DatabaseWrapper) and wrapper.connection is not None \
                and not wrapper.errors_occurred:
            wrapper.settled_at = time.monotonic()


request_finished.connect(settled, dispatch_uid="portal.database.postgresql.settled")
