"""URL map: the web pages, the JSON API under /api/v1/, and language switching."""

from django.urls import include, path, re_path

from tongket.api.api import api, not_found

urlpatterns = [
    path("api/v1/", api.urls),
    re_path(r"^api/", not_found),  # unknown API paths answer in the API's error shape
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("tongket.web.urls")),
]

handler403 = "tongket.web.views.error_403"
handler404 = "tongket.web.views.error_404"
handler500 = "tongket.web.views.error_500"
