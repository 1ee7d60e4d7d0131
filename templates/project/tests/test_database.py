"""The PostgreSQL backend's connection check (config/postgresql/base.py)."""

import time

import pytest
from django.db import connection, connections

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="runs on PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def own_connection():
    """A connection of its own to the test database, which the test may break."""
    db = connections.create_connection("default")
    db.ensure_connection()
    yield db
    db.close()


def test_an_idle_connection_is_checked_without_a_query(own_connection, monkeypatch):
    def no_query(*args, **kwargs):
        raise AssertionError("the check sent a query")

    monkeypatch.setattr(own_connection.connection, "cursor", no_query)

    assert own_connection.is_usable()


def test_a_connection_the_server_ended_is_not_reused(own_connection):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(%s)", [own_connection.connection.info.backend_pid]
        )
    # The server closes the socket once its backend has stopped.
    deadline = time.monotonic() + 10
    while own_connection.is_usable() and time.monotonic() < deadline:
        time.sleep(0.05)

    assert not own_connection.is_usable()
    # What Django does at the start of the next request: a new connection instead.
    own_connection.close_if_unusable_or_obsolete()
    own_connection.close_if_health_check_failed()
    assert own_connection.connection is None


def test_after_an_error_the_check_asks_the_server(own_connection):
    own_connection.errors_occurred = True

    assert own_connection.is_usable()
