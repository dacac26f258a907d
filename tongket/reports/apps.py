from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "tongket.reports"
    label = "reports"
    verbose_name = "reports"
