from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "tongket.imports"
    label = "imports"
    verbose_name = "imports"
