from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "misper.demo"
    label = "demo"
    verbose_name = "Synthetic demo data"
