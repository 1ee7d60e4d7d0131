"""The security log: sign-ins, refused passwords, throttling and permission denials.

Each event is one line of the "security" logger (OWASP ASVS V7) with the event's name,
a keyed hash of the username, never the name itself, the client's address and, as
every line, the request id. Events come from the error paths and from signing in
only: a request that succeeds otherwise logs nothing here.
"""

import logging

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.utils.crypto import salted_hmac
from rest_framework.throttling import BaseThrottle

logger = logging.getLogger("security")


def username_hash(username: object) -> str:
    """Tells one account's events from another's without naming it in the logs."""
    if not username:
        return "-"
    digest = salted_hmac(
        "config.security.username", str(username).casefold(), algorithm="sha256"
    ).hexdigest()
    return digest[:16]


def client_address(request) -> str:
    """The client as the sign-in limit sees it (config/throttling.py)."""
    if request is None:
        return "-"
    return BaseThrottle().get_ident(request) or "-"


def log_event(
    event: str, request=None, username: object = None, level: int = logging.INFO, **details
) -> None:
    fields = {
        "event": event,
        "user_hash": username_hash(username),
        "client": client_address(request),
        **details,
    }
    logger.log(level, " ".join(f"{k}={v}" for k, v in fields.items()), extra={"fields": fields})


def submitted_username(request) -> str:
    """The username a sign-in request carries: in an API view's JSON, or a page's form."""
    data = getattr(request, "data", None)
    if data is None:
        data = request.POST
    value = data.get("username", "") if hasattr(data, "get") else ""
    return value if isinstance(value, str) else ""


@receiver(user_logged_in)
def _signed_in(sender, request=None, user=None, **kwargs) -> None:
    log_event("sign_in", request, user.get_username() if user is not None else None)


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials=None, request=None, **kwargs) -> None:
    username = (credentials or {}).get("username")
    log_event("sign_in_failed", request, username, level=logging.WARNING)
