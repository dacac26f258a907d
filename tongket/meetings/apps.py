from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "tongket.meetings"
    label = "meetings"
    verbose_name = "meetings"
