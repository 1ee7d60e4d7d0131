"""The sign-in limit: one budget of attempts per client, shared by every sign-in route.

The counts live in the default cache, which every worker process and container
shares, so a client gets the same number of attempts however its requests are
spread. The client is the connection's address, or, behind DJANGO_NUM_PROXIES
proxies, the address the outermost of them saw (REST_FRAMEWORK["NUM_PROXIES"]).
"""

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class SignInRateThrottle(SimpleRateThrottle):
    """Counts sign-in attempts per client, at the rate DEFAULT_THROTTLE_RATES["sign_in"]."""

    scope = "sign_in"

    def get_rate(self) -> str:
        # Read when used, not when the class was made, as DRF's own throttles do.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_cache_key(self, request, view) -> str:
        # Unlike AnonRateThrottle, signed-in users count too: a session does not
        # make password guessing any cheaper.
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def exhausted(self, request) -> bool:
        """Whether the client has no attempt left, without counting one."""
        self.key = self.get_cache_key(request, None)
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        return len(self.history) >= self.num_requests

    def count(self, request) -> None:
        """Counts one attempt, such as a wrong password."""
        if not self.exhausted(request):
            self.throttle_success()


def throttle_sign_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Limits the form posts of a Django sign-in view, such as the admin's, like the API's."""

    @wraps(view)
    def throttled(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "POST":
            throttle = SignInRateThrottle()
            if not throttle.allow_request(request, None):
                wait = throttle.wait()
                response = HttpResponse(
                    "Too many sign-in attempts. Try again later.\n",
                    status=429,
                    content_type="text/plain; charset=utf-8",
                )
                if wait is not None:
                    response["Retry-After"] = str(max(1, round(wait)))
                return response
        return view(request, *args, **kwargs)

    return throttled
