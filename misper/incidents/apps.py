from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "misper.incidents"
    label = "incidents"
