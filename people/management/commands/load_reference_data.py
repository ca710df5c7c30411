"""Load the 2021 needs-assessment reference data and the roles; idempotent."""

from django.core.management.base import BaseCommand

from people import services


class Command(BaseCommand):
    help = "Load countries, stakeholder categories, participant levels, chapters and roles (idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        counts = services.reference_data_load()
        roles = services.roles_sync()
        summary = ", ".join(f"{name}: {count}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Reference data loaded ({summary}); roles synced: {', '.join(roles)}."))
