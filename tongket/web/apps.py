from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "tongket.web"
    label = "web"
    verbose_name = "web"
