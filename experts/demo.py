"""A synthetic expert roster with clearly fictional names, across the 13 countries and 22 chapters."""

from __future__ import annotations

import datetime

from django.db import transaction

from curriculum.models import ThematicChapter
from experts import services
from experts.models import ExpertProfile, ExpertStatus
from people.models import Country, Language, StakeholderCategory, User

DEMO_EXPERT_COUNT = 40
DEMO_COORDINATOR_EMAIL = "coordinator@rtcm.example.org"
# Every few experts: the status a coordinator has given them (the rest are vetted).
_STATUS_BY_REMAINDER = {0: ExpertStatus.APPLIED, 5: ExpertStatus.PAUSED, 9: ExpertStatus.WITHDRAWN}
_LANGUAGE_BY_COUNTRY = {
    "AZ": "az", "BY": "be", "GE": "ka", "IR": "fa", "KZ": "kk", "KG": "ky", "MD": "ro",
    "RU": "ru", "TJ": "tg", "TR": "tr", "TM": "tk", "UA": "uk", "UZ": "uz",
}  # fmt: skip


def demo_email(number: int) -> str:
    """The e-mail address that keys demo expert number `number`."""
    return f"expert{number:02d}@example.org"


@transaction.atomic
def load() -> dict[str, int]:
    """Create the demo roster through the roster's services; experts that exist are left alone."""
    countries = list(Country.objects.order_by("sort_order"))
    chapters = list(ThematicChapter.objects.order_by("number"))
    languages = {lang.code: lang for lang in Language.objects.all()}
    categories = list(StakeholderCategory.objects.order_by("sort_order"))
    coordinator = User.objects.filter(email=DEMO_COORDINATOR_EMAIL).first()
    existing = set(
        ExpertProfile.objects.filter(user__email__in=[demo_email(n) for n in range(1, DEMO_EXPERT_COUNT + 1)]).values_list(
            "user__email", flat=True
        )
    )
    for number in range(1, DEMO_EXPERT_COUNT + 1):
        email = demo_email(number)
        if email in existing:
            continue
        country = countries[(number - 1) % len(countries)]
        own_language = languages.get(_LANGUAGE_BY_COUNTRY.get(country.iso_code, "ru"), languages["ru"])
        expert_languages = {own_language: "native", languages["ru"]: "fluent", languages["en"]: "working" if number % 2 else "fluent"}
        if own_language.code == "ru":
            expert_languages[languages["ru"]] = "native"
        first_chapter = chapters[(number - 1) % len(chapters)]
        second_chapter = chapters[(number + 6) % len(chapters)]
        migrant = number % 4 == 0
        expert = services.expert_apply(
            email=email,
            first_name="Demo",
            last_name=f"Ekspert {number}",
            gender=User.Gender.FEMALE if number % 2 else User.Gender.MALE,
            nationality=country.name_en,
            language=("az", "ru", "en")[number % 3],
            country_of_residence=country,
            organisation_name=f"Demo Organisation {number % 7 + 1}",
            organisation_type=categories[number % len(categories)],
            field_countries=[country, countries[number % len(countries)]],
            migrant_or_diaspora_background=True if migrant else (None if number % 3 == 0 else False),
            tot_experience=number % 3 != 1,
            short_bio=f"Fictional expert number {number} of the RTCM demo roster. "
            + ("Has lived and worked abroad as a migrant. " if migrant else "")
            + f"Works on {first_chapter.name_en.lower()}.",
            chapters={first_chapter: "lead", second_chapter: "practitioner"},
            languages=expert_languages,
            availability=[(datetime.date(2027, 1 + number % 12, 1), datetime.date(2027, 1 + number % 12, 28))],
            consent_to_be_listed=True,
            public=services.PublicConsent(bio=number % 5 != 1, chapters=True, languages=True, country=number % 2 == 0),
            notify=False,
        )
        status = _STATUS_BY_REMAINDER.get(number % 10, ExpertStatus.VETTED)
        if status != ExpertStatus.APPLIED:
            services.expert_set_status(
                expert=expert,
                status=ExpertStatus.VETTED,
                reason="Demo data: CV and references checked.",
                changed_by=coordinator,
                notify=False,
            )
        if status in {ExpertStatus.PAUSED, ExpertStatus.WITHDRAWN}:
            services.expert_set_status(
                expert=expert, status=status, reason="Demo data: on request of the expert.", changed_by=coordinator, notify=False
            )
    return {"experts": ExpertProfile.objects.filter(user__email__endswith="@example.org", user__last_name__startswith="Ekspert").count()}


DEMO_EXPERT_ACCOUNT = "expert@rtcm.example.org"
DEMO_INVITATION_MODULE_CODE = "M13"


@transaction.atomic
def load_expert_account() -> dict[str, int]:
    """Give the demo expert account a vetted profile and an invitation to answer, so the expert's pages can be tried."""
    from curriculum.models import ModulePage
    from experts.models import Invitation

    user = User.objects.filter(email=DEMO_EXPERT_ACCOUNT).first()
    if user is None:
        return {}
    expert = ExpertProfile.objects.filter(user=user).first()
    if expert is None:
        languages = {lang.code: lang for lang in Language.objects.filter(code__in=["az", "ru", "en"])}
        chapters = {c.number: c for c in ThematicChapter.objects.filter(number__in=[13, 14])}
        expert = services.expert_apply(
            email=user.email,
            user=user,
            first_name=user.first_name,
            last_name=user.last_name,
            gender=user.gender,
            nationality="Azerbaijani",
            language=user.preferred_language,
            country_of_residence=Country.objects.filter(iso_code="AZ").first(),
            organisation_name="Demo Research Centre",
            field_countries=list(Country.objects.filter(iso_code__in=["AZ", "KZ", "UZ"])),
            tot_experience=True,
            short_bio="Fictional demo expert on labour migration and the mobility of workers in the region.",
            chapters={chapters[13]: "lead", chapters[14]: "practitioner"},
            languages={languages["az"]: "native", languages["ru"]: "fluent", languages["en"]: "working"},
            availability=[(datetime.date(2027, 4, 1), datetime.date(2027, 6, 30))],
            consent_to_be_listed=True,
            public=services.PublicConsent(bio=True, chapters=True, languages=True, country=True),
            notify=False,
        )
        coordinator = User.objects.filter(email=DEMO_COORDINATOR_EMAIL).first()
        services.expert_set_status(
            expert=expert, status=ExpertStatus.VETTED, reason="Demo data: CV and references checked.", changed_by=coordinator, notify=False
        )
    module = ModulePage.objects.filter(code=DEMO_INVITATION_MODULE_CODE, locale__language_code="az").first()
    if module is not None and not Invitation.objects.filter(expert=expert).exists():
        Invitation.objects.create(
            expert=expert,
            module=module,
            invited_by=User.objects.filter(email=DEMO_COORDINATOR_EMAIL).first(),
            message="Demo data: would you lead this module in May?",
        )
    return {"demo expert invitations": Invitation.objects.filter(expert=expert).count()}
