from django.apps import AppConfig


class NationalConfig(AppConfig):
    name = "misper.national"
    label = "national"
    verbose_name = "National returns and identity linkage"
