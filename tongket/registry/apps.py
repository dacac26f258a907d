from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "tongket.registry"
    label = "registry"
    verbose_name = "registry"
