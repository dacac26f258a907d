from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "tongket.outreach"
    label = "outreach"
    verbose_name = "outreach"
