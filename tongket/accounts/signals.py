"""Login, logout and failed logins go to the change log like every other action."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from tongket.core.actor import Actor
from tongket.core.audit import record_event


def _actor(request, user=None, name: str = "") -> Actor:
    op = getattr(request, "operation_id", "web") if request else "web"
    return Actor(user=user, name=name or (user.get_username() if user else "?"), operation_id=op)


def _ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request else ""


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    record_event(
        _actor(request, user), "login", "accounts.user", user.get_username(), {"ip": _ip(request)}
    )


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        record_event(_actor(request, user), "logout", "accounts.user", user.get_username())


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    name = str(credentials.get("username", ""))[:150]
    record_event(
        _actor(request, name=name), "login_failed", "accounts.user", name, {"ip": _ip(request)}
    )
