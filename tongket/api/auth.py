"""API authentication: the web session (with CSRF) or a personal bearer token."""

from ninja.security import APIKeyCookie, HttpBearer

from tongket.accounts.selectors import user_for_token


class TokenAuth(HttpBearer):
    """`Authorization: Bearer tk_…`; revoked, expired or unknown tokens are refused."""

    openapi_scheme = "bearer"

    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session; unsafe methods need the CSRF token (ninja checks it)."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated else None


AUTH = [TokenAuth(), SessionAuth(csrf=True)]
