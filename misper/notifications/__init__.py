"""Telling people: the alerts outbox, its delivery worker, webhooks, the periodic sweep and subscriptions.

Services queue alerts inside their own transaction (``alerts.alerts_for_event`` and the event names in
``alerts``); ``misper worker`` delivers them after commit and runs the periodic jobs other apps register
(``jobs.periodic_job``). See docs/alerts.md.
"""
