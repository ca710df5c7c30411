"""Load reference data, roles and the demo content; safe to run again."""

from django.core.management.base import BaseCommand

from assessments import builtin as assessments_builtin
from assessments import demo as assessments_demo
from assessments import matrix as assessments_matrix
from curriculum import demo as curriculum_demo
from curriculum import services as curriculum_services
from experts import demo as experts_demo
from home import demo as home_demo
from people import demo as people_demo
from people import services
from people.models import User


class Command(BaseCommand):
    help = "Load the 2021 reference data, roles, home page, draft curriculum in three languages and demo accounts (idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        counts: dict[str, int] = {}
        counts.update(services.reference_data_load())
        services.roles_sync()
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
        counts.update(assessments_builtin.load())
        counts["priority-matrix cells (2021 baseline)"] = assessments_matrix.baseline_load().cells.count()
        counts.update(assessments_demo.load())
        self.stdout.write(self.style.SUCCESS("Demo data loaded: " + ", ".join(f"{k} {v}" for k, v in counts.items())))
