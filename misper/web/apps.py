from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "misper.web"
    label = "web"

    def ready(self) -> None:
        from misper.web import checks  # noqa: F401 - registers the catalogue check
