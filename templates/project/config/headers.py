"""The Content-Security-Policy header, built once for the responses that share it."""

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.utils import build_policy
from django.conf import settings

# What django-csp's decorators set on a response that has a policy of its own.
_OWN_POLICY = frozenset(
    f"_csp_{part}{mode}"
    for part in ("config", "update", "replace", "exempt")
    for mode in ("", "_ro")
)


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's middleware, with the policy of its settings built once.

    django-csp builds the header again for every response, from a copy of each
    directive it knows: on an API's answer, more CPU than all the other security
    headers together. A response that used no nonce and has no policy of its own from
    a decorator, as every API answer, gets the policy of the settings as they are: the
    same header every time, built again only when the setting changes. Any other
    response gets django-csp's own.
    """

    # The setting the header was built from, and the header.
    _built: tuple[object, str] = (object(), "")

    def process_response(self, request, response):
        if (
            getattr(request, "_csp_nonce", None) is not None
            or not _OWN_POLICY.isdisjoint(vars(response))
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or (settings.DEBUG and response.status_code in (404, 500))
        ):
            return super().process_response(request, response)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        built_from, header = self._built
        if policy is not built_from:
            header = build_policy()
            self._built = (policy, header)
        excluded = tuple((policy or {}).get("EXCLUDE_URL_PREFIXES") or ())
        if header and HEADER not in response and not request.path_info.startswith(excluded):
            response[HEADER] = header
        # As django-csp does: a nonce asked for once the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
