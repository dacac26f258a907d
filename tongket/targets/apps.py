from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "tongket.targets"
    label = "targets"
    verbose_name = "targets"
