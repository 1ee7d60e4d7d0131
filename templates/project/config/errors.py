"""Error pages: JSON under /api/, where clients expect JSON, Django's HTML elsewhere.

Django uses these only when DEBUG is off; API views answer their own errors as
JSON already, so these cover what never reaches one: unknown URLs and crashes.
"""

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

API_PREFIX = "/api/"


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    # A Host header the site does not answer to, a request body over
    # DATA_UPLOAD_MAX_MEMORY_SIZE, and other requests Django refuses on its own.
    if request.path.startswith(API_PREFIX):
        if isinstance(exception, RequestDataTooBig):
            return JsonResponse({"detail": "The request body is too large."}, status=413)
        return JsonResponse({"detail": "Bad request."}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return JsonResponse(
            {"detail": "You do not have permission to perform this action."}, status=403
        )
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": "A server error occurred."}, status=500)
    return defaults.server_error(request)
