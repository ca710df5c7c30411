"""Load reference data, roles and the demo content; safe to run again."""

from django.core.management.base import BaseCommand

from home import demo as home_demo
from people import demo as people_demo
from people import services


class Command(BaseCommand):
    help = "Load the 2021 reference data, the roles, the home page in three languages and demo accounts (idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        counts: dict[str, int] = {}
        counts.update(services.reference_data_load())
        services.roles_sync()
        counts.update(home_demo.load())
        counts.update(people_demo.load())
        self.stdout.write(self.style.SUCCESS("Demo data loaded: " + ", ".join(f"{k} {v}" for k, v in counts.items())))
