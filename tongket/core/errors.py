"""Errors that carry a stable code and a message for the user, mapped by each face."""

from tongket.domain.errors import DomainError


class PermissionDeniedError(DomainError):
    """The actor's grants do not cover the action on the target."""

    def __init__(self, message: str | None = None):
        from django.utils.translation import gettext

        super().__init__(
            "permission.denied", message or gettext("Bạn không có quyền thực hiện thao tác này.")
        )


class NotFoundError(DomainError):
    """The object does not exist or lies outside the actor's scope (the two look the same)."""

    def __init__(self, what: str):
        from django.utils.translation import gettext

        super().__init__("not_found", gettext("Không tìm thấy %(what)s.") % {"what": what})
