from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "misper.people"
    label = "people"
