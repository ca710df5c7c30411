"""Load everything production needs (reference lists, chapters, roles, built-in instruments, the 2021 baseline); idempotent."""

from django.core.management.base import BaseCommand, CommandError

from home import reference
from lib.data_files import DataFileError


class Command(BaseCommand):
    help = (
        "Load countries, stakeholder categories, participant levels, languages, chapters, roles, the built-in survey "
        "instruments and the 2021 priority-matrix baseline from the data files (idempotent)."
    )

    def handle(self, *args: object, **options: object) -> None:
        try:
            counts = reference.reference_data_load()
        except DataFileError as error:
            raise CommandError(f"Nothing was loaded: {error}") from error
        summary = ", ".join(f"{name}: {count}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Reference data loaded ({summary})."))
