"""Gives every web request an operation id that its audit rows share."""

import uuid


class OperationIdMiddleware:
    """Sets request.operation_id and echoes it in the X-Operation-Id response header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.operation_id = f"web-{uuid.uuid4().hex[:16]}"
        response = self.get_response(request)
        response["X-Operation-Id"] = request.operation_id
        return response
