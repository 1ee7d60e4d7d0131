"""The health endpoints that container healthchecks, probes and load balancers poll.

/health/ checks the database too: a server that cannot reach it should get no
traffic. /health/live/ only tells that the server answers, for a liveness probe,
which restarts the container when it fails: an unreachable database must not
restart every web server at once.
"""

import logging
from collections.abc import Callable

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse

HEALTH_PATH = "/health/"
LIVE_PATH = "/health/live/"

logger = logging.getLogger(__name__)


class HealthCheckMiddleware:
    """Answers /health/ and /health/live/ before any other middleware sees the request.

    Probes come over plain HTTP from inside the container or the cluster, with a
    Host header such as localhost or the pod IP. Answering here, ahead of
    SecurityMiddleware and CommonMiddleware, keeps them from being redirected to
    HTTPS or refused by ALLOWED_HOSTS, which must stay strict for real traffic.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info not in (HEALTH_PATH, LIVE_PATH):
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            response = JsonResponse({"detail": "Method not allowed."}, status=405)
            response["Allow"] = "GET, HEAD"
            return response
        if request.path_info == LIVE_PATH:
            return JsonResponse({"status": "ok"})
        try:
            connection.ensure_connection()
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError:
            logger.exception("Health check failed: the database is unreachable.")
            return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
        return JsonResponse({"status": "ok", "database": "ok"})
