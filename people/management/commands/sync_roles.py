"""Make the role groups hold exactly the permissions defined in people/roles.py."""

from django.core.management.base import BaseCommand

from people import services


class Command(BaseCommand):
    help = "Create the role groups and set their permissions from people/roles.py."

    def handle(self, *args: object, **options: object) -> None:
        for code, count in services.roles_sync().items():
            self.stdout.write(f"{code}: {count} permissions")
