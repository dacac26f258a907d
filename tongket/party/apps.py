from django.apps import AppConfig


class PartyConfig(AppConfig):
    name = "tongket.party"
    label = "party"
    verbose_name = "party"
