import logging

from django.db.models import ProtectedError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from config.security import log_event


def api_exception_handler(exc, context):
    """DRF's handler, which also answers 409 to deleting an object that others point to,
    and writes refused credentials and permissions to the security log."""
    if isinstance(exc, ProtectedError):
        return Response(
            {"detail": "Other objects still point to this one; change or delete them first."},
            status=status.HTTP_409_CONFLICT,
        )
    request = context.get("request")
    if isinstance(exc, exceptions.PermissionDenied):
        log_event(
            "permission_denied",
            request,
            request.user.get_username() if request is not None else None,
            level=logging.WARNING,
            path=getattr(request, "path", "-"),
        )
    elif isinstance(exc, exceptions.AuthenticationFailed) and request is not None:
        # A token or session that does not work; a wrong password is logged on its own.
        if "HTTP_AUTHORIZATION" in request.META:
            log_event("credentials_refused", request, level=logging.WARNING, path=request.path)
    return exception_handler(exc, context)
