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


class LanguageMiddleware:
    """Vietnamese unless someone asks otherwise.

    Django's LocaleMiddleware follows the browser's Accept-Language, so an office computer with
    an English browser would show English. Here the web follows only an explicit choice (the
    language cookie set by the switcher); API clients may ask with Accept-Language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        language = self._chosen(request, settings) or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response

    @staticmethod
    def _chosen(request, settings) -> str | None:
        from django.utils.translation import get_supported_language_variant
        from django.utils.translation.trans_real import parse_accept_lang_header

        wanted = [request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")]
        if request.path.startswith("/api/"):
            header = request.headers.get("Accept-Language", "")
            wanted += [code for code, _q in parse_accept_lang_header(header)]
        for code in filter(None, wanted):
            try:
                return get_supported_language_variant(code)
            except LookupError:
                continue
        return None
