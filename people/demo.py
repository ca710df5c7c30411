"""Demo accounts, one per role, and the centre's own organisations."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db import transaction

from people import services
from people.models import Country, Organisation, ParticipantLevel, StakeholderCategory, User

DEMO_TRAINER_EMAIL = "trainer@rtcm.example.org"
DEMO_PASSWORD = "rtcm-demo-2026"  # noqa: S105 - published demo credential, demo data only

# (e-mail, first name, last name, gender, role, organisation key, level, language)
DEMO_USERS: list[tuple[str, str, str, str, str, str, str, str]] = [
    ("admin@rtcm.example.org", "Demo", "Administrator", "undisclosed", "administrator", "sms", "senior", "en"),
    ("coordinator@rtcm.example.org", "Demo", "Coordinator", "female", "coordinator", "sms", "middle", "az"),
    ("trainer@rtcm.example.org", "Demo", "Trainer", "male", "trainer", "khazar", "practitioner", "ru"),
    ("trainee@rtcm.example.org", "Demo", "Trainee", "female", "trainee", "sms", "practitioner", "az"),
    ("expert@rtcm.example.org", "Demo", "Expert", "male", "expert", "iom", "researcher", "en"),
]

# Real bodies named in the 2021 needs assessment: (key, name, country, category)
DEMO_ORGANISATIONS: list[tuple[str, str, str, str]] = [
    ("sms", "Azərbaycan Respublikasının Dövlət Miqrasiya Xidməti", "AZ", "government"),
    ("iom", "IOM Azerbaijan", "AZ", "io"),
    ("khazar", "Xəzər Universiteti, Miqrasiya Kompetensiya Mərkəzi", "AZ", "hei"),
]


@transaction.atomic
def load() -> dict[str, int]:
    """Create the demo organisations and one verified account per role; idempotent."""
    countries = {c.iso_code: c for c in Country.objects.all()}
    categories = {c.code: c for c in StakeholderCategory.objects.all()}
    levels = {lvl.code: lvl for lvl in ParticipantLevel.objects.all()}
    organisations = {}
    for key, name, country, category in DEMO_ORGANISATIONS:
        organisations[key], _ = Organisation.objects.update_or_create(
            name=name, country=countries[country], defaults={"category": categories[category]}
        )
    for email, first, last, gender, role, org, level, language in DEMO_USERS:
        user, created = User.objects.update_or_create(
            email=email,
            defaults={
                "first_name": first,
                "last_name": last,
                "gender": gender,
                "country": countries["AZ"],
                "organisation": organisations[org],
                "position_level": levels[level],
                "preferred_language": language,
                "is_superuser": role == "administrator",
                "is_staff": role == "administrator",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        services.user_add_role(user=user, role_code=role)
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return {"organisations": len(organisations), "users": len(DEMO_USERS)}
