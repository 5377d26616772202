from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "misper.analytics"
    label = "analytics"

    def ready(self) -> None:
        from misper.analytics.facts import facts_refresh_due
        from misper.notifications.jobs import periodic_job

        periodic_job(facts_refresh_due)  # the alert worker refreshes the dashboard's facts every minute
