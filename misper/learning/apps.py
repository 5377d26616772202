from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "misper.learning"
    label = "learning"
