from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "misper.notifications"
    label = "notifications"
