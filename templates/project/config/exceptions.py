from django.db.models import ProtectedError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler


def api_exception_handler(exc, context):
    """DRF's handler, which also answers 409 to deleting an object that others point to."""
    if isinstance(exc, ProtectedError):
        return Response(
            {"detail": "Other objects still point to this one; change or delete them first."},
            status=status.HTTP_409_CONFLICT,
        )
    return exception_handler(exc, context)
