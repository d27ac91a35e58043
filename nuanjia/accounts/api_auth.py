"""How staff clients authenticate to the API: a bearer token, or the browser session once
its second factor is given. Other kinds of account (members, partners) have their own."""

from ninja.security import APIKeyCookie, HttpBearer

from .services import staff_for_token


class TokenAuth(HttpBearer):
    """`Authorization: Bearer nj_…` for staff clients; tokens are issued on /accounts/tokens/."""

    def authenticate(self, request, token):
        staff = staff_for_token(token)
        if staff is not None:
            request.user = staff
        return staff


class VerifiedSessionAuth(APIKeyCookie):
    """The browser session, with CSRF, and only once the second factor is given."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        user = request.user
        if not user.is_authenticated:
            return None
        if user.needs_two_factor and not user.is_verified():
            return None
        if user.must_change_password:  # a temporary password opens only its change page
            return None
        return user
