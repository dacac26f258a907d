from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "tongket.evaluation"
    label = "evaluation"
    verbose_name = "evaluation"
