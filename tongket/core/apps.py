from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tongket.core"
    label = "core"
    verbose_name = "tongket core"
