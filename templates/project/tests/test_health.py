import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


@pytest.fixture
def production_hosts(settings):
    settings.ALLOWED_HOSTS = ["api.example.com"]
    settings.SECURE_SSL_REDIRECT = True


def test_health_answers_plain_http_from_any_host(client, production_hosts):
    response = client.get("/health/", HTTP_HOST="localhost")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_other_paths_still_enforce_allowed_hosts(client, production_hosts):
    response = client.get("/api/", HTTP_HOST="localhost")

    assert response.status_code == 400


def test_other_paths_still_redirect_to_https(client, production_hosts):
    response = client.get("/api/", HTTP_HOST="api.example.com")

    assert response.status_code == 301
    assert response["Location"] == "https://api.example.com/api/"


def test_health_reports_an_unreachable_database(client, monkeypatch):
    class UnreachableDatabase:
        def ensure_connection(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr("config.health.connection", UnreachableDatabase())

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_health_only_reads(client):
    response = client.post("/health/")

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_live_answers_without_the_database(client, monkeypatch, production_hosts):
    class UnreachableDatabase:
        def ensure_connection(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr("config.health.connection", UnreachableDatabase())

    response = client.get("/health/live/", HTTP_HOST="localhost")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_live_only_reads(client):
    response = client.post("/health/live/")

    assert response.status_code == 405
