"""One error shape for the whole API: {"error": {"code", "message", "details"}}."""

import logging

from django.core.exceptions import PermissionDenied
from django.db import DataError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from tongket.domain.errors import DomainError

log = logging.getLogger("tongket.api")

STATUS_BY_CODE = {
    "permission.denied": 403,
    "not_found": 404,
    "report.format": 404,  # /reports/{org}/{period}/{fmt}: no such file
    "report.future": 422,  # a well-formed period that has not begun: nothing to report yet
    "edit.stale": 409,  # optimistic locking: the record changed since the client read it
}


def error_response(api: NinjaAPI, request, status: int, code: str, message: str, details=None):
    body = {"error": {"code": code, "message": message, "details": details}}
    return api.create_response(request, body, status=status)


def _validation_message(errors: list) -> str:
    if any(e.get("type") == "json_invalid" for e in errors):
        return _("Nội dung gửi lên không phải JSON hợp lệ.")
    return _("Dữ liệu gửi lên không hợp lệ.")


def install(api: NinjaAPI) -> None:
    """Registers the handlers that turn every failure into the one error shape."""

    @api.exception_handler(ValidationError)
    def on_validation(request, exc):
        details = [
            {"loc": list(e.get("loc", [])), "msg": str(e.get("msg", "")), "type": e.get("type")}
            for e in exc.errors
        ]
        return error_response(
            api, request, 422, "invalid", _validation_message(exc.errors), details
        )

    @api.exception_handler(AuthenticationError)
    def on_auth(request, exc):
        message = _("Chưa đăng nhập, hoặc khóa API không hợp lệ, đã hết hạn hay đã bị thu hồi.")
        return error_response(api, request, 401, "unauthenticated", message)

    @api.exception_handler(HttpError)
    def on_http(request, exc):
        if isinstance(exc.__cause__, ValidationError):  # ninja wraps what the parser refused
            return on_validation(request, exc.__cause__)
        message = str(exc.message)
        if exc.status_code == 400 and "parse" in message.lower():
            message = _("Nội dung gửi lên không phải JSON hợp lệ.")
        return error_response(api, request, exc.status_code, f"http_{exc.status_code}", message)

    @api.exception_handler(DomainError)
    def on_domain(request, exc):
        status = STATUS_BY_CODE.get(exc.code, 400)
        return error_response(api, request, status, exc.code, exc.message, exc.details)

    @api.exception_handler(Http404)
    def on_404(request, exc):
        return error_response(api, request, 404, "not_found", _("Không tìm thấy."))

    @api.exception_handler(PermissionDenied)
    def on_403(request, exc):
        message = _("Bạn không có quyền thực hiện thao tác này.")
        return error_response(api, request, 403, "permission.denied", message)

    @api.exception_handler(Exception)
    def on_any(request, exc):
        if isinstance(exc, DataError) and "NUL (0x00)" in str(exc):
            # PostgreSQL refuses NUL in text before anything is stored; the parser catches
            # it in bodies and queries, this catches it in a path (/reports/{code}…).
            return error_response(api, request, 422, "invalid", _validation_message([]))
        log.exception("API error in %s", request.path)
        message = _("Lỗi hệ thống; dữ liệu không bị thay đổi. Mã thao tác: %(op)s") % {
            "op": getattr(request, "operation_id", "")
        }
        return error_response(api, request, 500, "server_error", message)
