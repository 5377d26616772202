from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "misper.analytics"
    label = "analytics"
