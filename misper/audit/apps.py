from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "misper.audit"
    label = "audit"
