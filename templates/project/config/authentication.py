"""Authentication classes that REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] names."""

from rest_framework import authentication, exceptions

from config.throttling import SignInRateThrottle


class SessionAuthentication(authentication.SessionAuthentication):
    """Django's session, with a challenge, so that anonymous requests get 401, not 403.

    Without a WWW-Authenticate challenge, DRF answers 403 Forbidden, which tells a
    browser app "you may not" where "sign in first" is meant. The Session scheme is
    no standard one, which is the point: browsers show no password dialog for it.
    """

    def authenticate_header(self, request) -> str:
        return 'Session realm="api"'


class ThrottledBasicAuthentication(authentication.BasicAuthentication):
    """HTTP Basic, where every wrong password counts as a sign-in attempt.

    Right passwords do not count, so that scripts are not limited; once a client has
    used up its attempts, every Basic request from it is refused until the window moves.
    """

    def authenticate_credentials(self, userid, password, request=None):
        throttle = SignInRateThrottle()
        if request is not None and throttle.exhausted(request):
            raise exceptions.Throttled(throttle.wait())
        try:
            return super().authenticate_credentials(userid, password, request)
        except exceptions.AuthenticationFailed:
            if request is not None:
                throttle.count(request)
            raise
