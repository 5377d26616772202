from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "misper.people"
    label = "people"

    def ready(self) -> None:
        from misper.people.search import connect_receivers

        connect_receivers()
