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

from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
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
    """Counts wrong passwords per account, at DEFAULT_THROTTLE_RATES["sign_in_account"].

    The account is a keyed hash of the username a request names, so that the cache
    holds no usernames. Only wrong passwords count (count_failure, which Django's
    user_login_failed signal calls): a user who signs in on many devices keeps the
    budget. Once it is used up, even the right password waits, or guessing would go on.
    """

    scope = "sign_in_account"

    def get_cache_key(self, request, view) -> str | None:
        return self.account_key(submitted_username(request))

    def account_key(self, username: str) -> str | None:
        if not username:
            return None
        return self.cache_format % {"scope": self.scope, "ident": username_hash(username)}

    def allow_request(self, request, view) -> bool:
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        if len(self.recent(self.key)) < self.num_requests:
            return True
        log_event(
            "sign_in_throttled",
            request,
            submitted_username(request),
            level=logging.WARNING,
            scope=self.scope,
        )
        return self.throttle_failure()

    def recent(self, key: str) -> list[float]:
        """The attempts inside the window, newest first, as DRF's throttles keep them."""
        self.now = self.timer()
        self.history = [t for t in self.cache.get(key, []) if t > self.now - self.duration]
        return self.history

    def count_failure(self, username: str) -> None:
        key = self.account_key(username)
        if key is not None:
            self.cache.set(key, [self.timer(), *self.recent(key)], self.duration)


@receiver(user_login_failed)
def _count_wrong_password(sender, credentials=None, **kwargs) -> None:
    AccountSignInRateThrottle().count_failure((credentials or {}).get("username") or "")


class RefreshRateThrottle(SignInRateThrottle):
    """Counts token refreshes per client apart from sign-ins, at DEFAULT_THROTTLE_RATES["refresh"].

    A refresh proves a token the client already holds, not a password: apps that
    refresh often must not use up the budget of their users' sign-ins.
    """

    scope = "refresh"


# Every sign-in route checks both budgets. config/apps.py imports this module when
# Django starts, which connects the signal receiver above.
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
