"""The sign-in limits: a budget of attempts per client and one per account, shared by
every sign-in route.

The counts live in the default cache, which every worker process and container
shares, so a client gets the same number of attempts however its requests are
spread. The client is the connection's address, or, behind DJANGO_NUM_PROXIES
proxies, the address the outermost of them saw (REST_FRAMEWORK["NUM_PROXIES"]); an
IPv6 client counts by its /64 network, which one machine usually has whole. The
account budget holds however many addresses an attacker tries one password list from.
"""

import ipaddress
import logging
from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from config.security import log_event, submitted_username, username_hash

_warned_about_forwarded_for = False


class SignInRateThrottle(SimpleRateThrottle):
    """Counts sign-in attempts per client, at the rate DEFAULT_THROTTLE_RATES["sign_in"]."""

    scope = "sign_in"

    def get_rate(self) -> str:
        # Read when used, not when the class was made, as DRF's own throttles do.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_ident(self, request) -> str:
        global _warned_about_forwarded_for
        if (
            api_settings.NUM_PROXIES == 0
            and "HTTP_X_FORWARDED_FOR" in request.META
            and not _warned_about_forwarded_for
        ):
            # Behind a proxy that DJANGO_NUM_PROXIES does not count, every client seems
            # to come from the proxy: they share one budget, and anyone can use it up.
            _warned_about_forwarded_for = True
            log_event(
                "forwarded_for_ignored",
                request,
                level=logging.WARNING,
                hint="set DJANGO_NUM_PROXIES to the number of proxies in front of the app",
            )
        ident = super().get_ident(request)
        try:
            address = ipaddress.ip_address(ident)
        except ValueError:
            return ident
        if address.version == 6 and address.ipv4_mapped is None:
            return str(ipaddress.ip_network(f"{address}/64", strict=False))
        return ident

    def get_cache_key(self, request, view) -> str | None:
        # Unlike AnonRateThrottle, signed-in users count too: a session does not
        # make password guessing any cheaper.
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allow_request(self, request, view) -> bool:
        allowed = super().allow_request(request, view)
        if not allowed:
            log_event(
                "sign_in_throttled",
                request,
                submitted_username(request),
                level=logging.WARNING,
                scope=self.scope,
            )
        return allowed


class AccountSignInRateThrottle(SignInRateThrottle):
    """Counts sign-in attempts per account, at DEFAULT_THROTTLE_RATES["sign_in_account"].

    The account is a keyed hash of the username the request names, so that the
    cache holds no usernames; a request that names none is not counted here.
    """

    scope = "sign_in_account"

    def get_cache_key(self, request, view) -> str | None:
        username = submitted_username(request)
        if not username:
            return None
        return self.cache_format % {"scope": self.scope, "ident": username_hash(username)}


class RefreshRateThrottle(SignInRateThrottle):
    """Counts token refreshes per client apart from sign-ins, at DEFAULT_THROTTLE_RATES["refresh"].

    A refresh proves a token the client already holds, not a password: apps that
    refresh often must not use up the budget of their users' sign-ins.
    """

    scope = "refresh"


# Every sign-in route checks both budgets.
SIGN_IN_THROTTLES = [SignInRateThrottle, AccountSignInRateThrottle]


def throttle_sign_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Limits the form posts of a Django sign-in view, such as the admin's, like the API's."""

    @wraps(view)
    def throttled(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "POST":
            for throttle in [cls() for cls in SIGN_IN_THROTTLES]:
                if not throttle.allow_request(request, None):
                    return too_many_attempts(throttle.wait())
        return view(request, *args, **kwargs)

    return throttled


def too_many_attempts(wait: float | None) -> HttpResponse:
    response = HttpResponse(
        "Too many sign-in attempts. Try again later.\n",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    if wait is not None:
        response["Retry-After"] = str(max(1, round(wait)))
    return response
