"""Load the reference data (as load_reference_data does) and then the demo content; safe to run again."""

from django.core.management.base import BaseCommand, CommandError

from assessments import demo as assessments_demo
from curriculum import demo as curriculum_demo
from curriculum import services as curriculum_services
from experts import demo as experts_demo
from home import demo as home_demo
from home import reference
from lib.data_files import DataFileError
from people import demo as people_demo
from people.models import User


class Command(BaseCommand):
    help = (
        "Load the reference data (as load_reference_data does), then the home page, the draft curriculum in three "
        "languages, demo accounts, sessions and survey answers (idempotent)."
    )

    def handle(self, *args: object, **options: object) -> None:
        try:
            counts = self._load()
        except DataFileError as error:
            raise CommandError(f"Loading stopped: {error}") from error
        self.stdout.write(self.style.SUCCESS("Demo data loaded: " + ", ".join(f"{k} {v}" for k, v in counts.items())))

    def _load(self) -> dict[str, int]:
        counts = reference.reference_data_load()
        counts.update(home_demo.load())
        counts.update(people_demo.load())
        counts.update(curriculum_demo.load())
        curriculum_services.authoring_permissions_sync()
        trainer = User.objects.filter(email=people_demo.DEMO_TRAINER_EMAIL).first()
        if trainer is not None:
            curriculum_services.trainer_assign_part(user=trainer, part_number=1)
        counts.update(experts_demo.load())
        counts.update(experts_demo.load_expert_account())
        counts.update(curriculum_demo.load_sessions())
        counts.update(assessments_demo.load())
        return counts
