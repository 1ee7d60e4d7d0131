"""PostgreSQL: Django's backend, with a connection check that sends no query.

With CONN_HEALTH_CHECKS, Django checks a persistent connection before a request
reuses it, so that a connection the server ended becomes a new one instead of an
error. Django's check is a SELECT 1: a round trip to the server on every request.
A server that ends a connection (a restart, a failover, an idle timeout, a
terminated backend) says so or closes the socket, and either makes the idle
connection's socket readable. This check looks at the socket, and sends the
SELECT 1 only when it is readable, when the connection is not idle, or after an
error: it turns the same dead connections into new ones, at the price of a system
call.
"""

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if (
            self.errors_occurred
            or connection.info.transaction_status != pq.TransactionStatus.IDLE
            or _readable(connection.fileno())
        ):
            return super().is_usable()
        return True


def _readable(fd: int) -> bool:
    """Whether the server sent something, or closed the socket, since the last answer."""
    if not hasattr(select, "poll"):  # Windows: Django's own check instead
        return True
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))
