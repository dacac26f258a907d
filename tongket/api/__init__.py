"""The JSON API at /api/v1/: django-ninja routers, one error shape, scoped reads."""
