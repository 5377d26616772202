from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "misper.accounts"
    label = "accounts"
    verbose_name = "Agencies and users"

    def ready(self) -> None:
        from misper.accounts import checks  # noqa: F401  (registers system checks)
