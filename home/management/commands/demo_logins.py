"""Print the demo accounts `make run` offers."""

from django.core.management.base import BaseCommand

from people.demo import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = "Print the demo logins (one per role)."

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(f"  Demo logins (password for all: {DEMO_PASSWORD}):")
        for email, _first, _last, _gender, role, *_rest in DEMO_USERS:
            self.stdout.write(f"    {role:<14} {email}")
        from assessments.demo import demo_respondent_link

        link = demo_respondent_link()
        if link:
            self.stdout.write(f"  A needs-assessment questionnaire through a personal link (no login): {link}")
