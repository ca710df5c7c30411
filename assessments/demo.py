"""Demo data of the surveys: an open 2026 needs-assessment round with personal links, and a session that ended
five days ago whose participants have taken the knowledge tests and mostly answered the evaluation.

Built through the project's services; idempotent (a second run finds everything and adds nothing).
"""

from __future__ import annotations

import datetime
import random

from django.conf import settings
from django.utils import timezone

from assessments import instruments, services
from assessments.models import Instrument, InstrumentStatus, Purpose, QuestionKind, Respondent, Round, RoundStatus
from people.models import Country, StakeholderCategory

DEMO_RESPONDENT_EMAIL = "respondent@rtcm.example.org"
ENDED_SESSION_CITY = "Bakı"

# The central migration bodies the 2021 report names (section 7.5), and civil-society and media respondents:
# (organisation, country, category, e-mail, language)
ROUND_RESPONDENTS: list[tuple[str, str, str, str, str]] = [
    ("Azərbaycan Respublikasının Dövlət Miqrasiya Xidməti", "AZ", "government", "sms.az@rtcm.example.org", "az"),
    ("Ministry of Internal Affairs of Georgia", "GE", "government", "mia.ge@rtcm.example.org", "en"),
    ("Bureau for Migration and Asylum (Moldova)", "MD", "government", "bma.md@rtcm.example.org", "ru"),
    ("Directorate General of Migration Management (Türkiye)", "TR", "government", "dgmm.tr@rtcm.example.org", "en"),
    ("Комитет миграционной службы МВД Республики Казахстан", "KZ", "government", "msc.kz@rtcm.example.org", "ru"),
    (
        "Миграционная служба Министерства труда, миграции и занятости населения Республики Таджикистан",
        "TJ",
        "government",
        "ms.tj@rtcm.example.org",
        "ru",
    ),
    ("Правозащитная организация мигрантов (демо)", "RU", "cso", DEMO_RESPONDENT_EMAIL, "ru"),
    ("Миграционный правовой центр (демо)", "KG", "cso", "cso.kg@rtcm.example.org", "ru"),
    ("Miqrasiya Jurnalistləri Şəbəkəsi (demo)", "AZ", "media", "media.az@rtcm.example.org", "az"),
]

INSTRUMENT_FOR_CATEGORY = {"government": "na-government", "cso": "na-cso", "media": "na-media"}


def _latest(code: str) -> Instrument | None:
    return Instrument.objects.filter(code=code, status=InstrumentStatus.PUBLISHED).order_by("-version").first()


# What a module's own knowledge test is called, after the module's code and title, in az, ru and en.
MODULE_TEST_TITLES = {
    "pre": (
        "{code} {title}: bilik testi (təlimdən əvvəl)",
        "{code} {title}: тест знаний (до обучения)",
        "{code} {title}: knowledge test (before the training)",
    ),
    "post": (
        "{code} {title}: bilik testi (təlimdən sonra)",
        "{code} {title}: тест знаний (после обучения)",
        "{code} {title}: knowledge test (after the training)",
    ),
}


def _module_test(module_code: str, when: str) -> Instrument | None:
    """The module's own pre- or post-test, made once from the knowledge-test template as its note asks: copied under
    the module's code, titled after the module, the template note left out, published."""
    from assessments.builtin import TEMPLATE_NOTE
    from curriculum.draft_curriculum import DRAFT_CURRICULUM

    code = f"{module_code.lower()}-knowledge-{when}"
    existing = _latest(code)
    template = _latest(f"knowledge-test-template-{when}")
    if existing is not None or template is None:
        return existing
    titles = next(spec["title"] for spec in DRAFT_CURRICULUM if spec["code"] == module_code)
    test = instruments.instrument_copy(instrument=template, code=code)
    for index, language in enumerate(("az", "ru", "en")):
        setattr(test, f"title_{language}", MODULE_TEST_TITLES[when][index].format(code=module_code, title=titles[language]))
        setattr(test, f"intro_{language}", getattr(template, f"intro_{language}").removeprefix(TEMPLATE_NOTE[index]).strip())
    test.status = InstrumentStatus.PUBLISHED
    test.save()
    return test


def load_round() -> dict[str, int]:
    """The open 2026 round over the 13 countries with the three questionnaires and nine respondents."""
    instruments = [instrument for code in INSTRUMENT_FOR_CATEGORY.values() if (instrument := _latest(code))]
    if not instruments:
        return {"survey rounds": Round.objects.count()}
    today = timezone.localdate()
    survey_round, created = Round.objects.get_or_create(
        year=2026,
        title_en="Training needs assessment 2026",
        defaults={
            "title_az": "Təlim ehtiyaclarının qiymətləndirilməsi 2026",
            "title_ru": "Оценка потребностей в обучении 2026",
            "deadline": today + datetime.timedelta(days=45),
        },
    )
    if created:
        survey_round.countries.set(Country.objects.all())
        survey_round.instruments.set(instruments)
    for organisation, country, category, email, language in ROUND_RESPONDENTS:
        instrument = _latest(INSTRUMENT_FOR_CATEGORY[category])
        if instrument is None or Respondent.objects.filter(round=survey_round, email=email).exists():
            continue
        services.respondent_add(
            survey_round=survey_round,
            instrument=instrument,
            organisation_name=organisation,
            country_id=Country.objects.get(iso_code=country).pk,
            category_id=StakeholderCategory.objects.get(code=category).pk,
            email=email,
            language=language,
        )
    if survey_round.status == RoundStatus.DRAFT and survey_round.deadline >= today:
        services.round_open(survey_round=survey_round)
    _answer_round(survey_round)
    return {"survey rounds": Round.objects.count(), "respondents": Respondent.objects.filter(round__isnull=False).count()}


# Respondents of the round who have already answered (the others, and the demo CSO link, have not).
ANSWERED_EMAILS = (
    "sms.az@rtcm.example.org",
    "mia.ge@rtcm.example.org",
    "bma.md@rtcm.example.org",
    "msc.kz@rtcm.example.org",
    "media.az@rtcm.example.org",
)


def _answer_round(survey_round: Round) -> None:
    """Submit plausible answers for five respondents, so a recompute differs from the 2021 baseline (e.g. Kazakhstan,
    blank in 2021, now has values)."""
    rng = random.Random(2021)  # noqa: S311 - demo answers, not secrets
    for respondent in survey_round.respondents.filter(email__in=ANSWERED_EMAILS, submitted_at__isnull=True).select_related(
        "instrument", "round"
    ):
        data = {}
        for question in instruments.instrument_questions(respondent.instrument):
            options = list(question.options.all())
            if question.kind == QuestionKind.PRIORITY_GRID:
                for chapter in instruments.chapters():
                    data[f"{question.field_name}-c{chapter.number}"] = [
                        rng.choice(["4", "4", "3", "3", "2", "na"]) if question.required or rng.random() < 0.9 else ""
                    ]
            elif question.kind in (QuestionKind.SINGLE, QuestionKind.LIKERT) and options:
                data[question.field_name] = [rng.choice(options).value]
            elif question.kind == QuestionKind.MULTIPLE and options:
                data[question.field_name] = [options[0].value]
            elif question.kind == QuestionKind.NUMBER:
                data[question.field_name] = [str(rng.randint(0, 40))]
            elif question.required and question.kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
                data[question.field_name] = ["Demo."]
        try:
            services.response_submit(respondent=respondent, data=data)
        except services.SubmissionInvalid as invalid:
            raise RuntimeError(
                f"Demo answers of {respondent.instrument.code} are invalid: {invalid.parsed.errors if invalid.parsed else invalid}"
            ) from invalid


def demo_respondent_link() -> str | None:
    """The personal link of the demo CSO respondent (printed by `demo_logins`)."""
    respondent = Respondent.objects.filter(email=DEMO_RESPONDENT_EMAIL, round__isnull=False).first()
    return services.respondent_url(respondent) if respondent else None


# Participants of the ended demo session: (first, last, gender, country, category)
PARTICIPANTS: list[tuple[str, str, str, str, str]] = [
    ("Aysel", "Məmmədova", "female", "AZ", "government"),
    ("Nino", "Beridze", "female", "GE", "government"),
    ("Ion", "Rusu", "male", "MD", "government"),
    ("Айгуль", "Сапарова", "female", "KZ", "cso"),
    ("Фаррух", "Рахимов", "male", "TJ", "government"),
    ("Elif", "Yılmaz", "female", "TR", "government"),
    ("Бакыт", "Токтогулов", "male", "KG", "cso"),
    ("Rəşad", "Hüseynov", "male", "AZ", "media"),
]


def _answers(instrument: Instrument, rng: random.Random, *, knowledge_right: float = 0.5) -> dict[str, list[str]]:
    """Plausible answers to every question (evaluations lean positive; knowledge right with the given chance)."""
    data: dict[str, list[str]] = {}
    for question in instruments.instrument_questions(instrument):
        options = list(question.options.all())
        if question.kind == QuestionKind.LIKERT:
            top = sorted(options, key=lambda option: option.score or 0)[-3:]
            data[question.field_name] = [rng.choice(top).value]
        elif question.kind == QuestionKind.KNOWLEDGE:
            correct = [option.value for option in options if option.is_correct]
            wrong = [option.value for option in options if not option.is_correct]
            data[question.field_name] = correct if rng.random() < knowledge_right or not wrong else [rng.choice(wrong)]
        elif question.kind == QuestionKind.SINGLE:
            data[question.field_name] = [rng.choice(options).value]
        elif question.kind == QuestionKind.MULTIPLE:
            data[question.field_name] = [option.value for option in rng.sample(options, k=min(2, len(options)))]
        elif question.kind == QuestionKind.PRIORITY_GRID:
            for chapter in instruments.chapters():
                if rng.random() < 0.7:
                    data[f"{question.field_name}-c{chapter.number}"] = [rng.choice(["2", "3", "4", "4"])]
        elif question.kind == QuestionKind.LONG_TEXT and rng.random() < 0.4:
            data[question.field_name] = [
                rng.choice(
                    ["Çox faydalı idi.", "Больше практических кейсов, пожалуйста.", "Useful exchange with colleagues from the region."]
                )
            ]
    return data


def load_ended_session() -> dict[str, int]:
    """An M13 session in Baku that ended five days ago: eight participants and the demo trainee, attendance,
    pre- and post-tests taken, the evaluation answered by six (the demo trainee's is still to do)."""
    from curriculum.attendance import attendance_record
    from curriculum.models import ApplicationStatus, ModulePage, SessionApplication, SessionStatus, TrainingSession
    from people.models import Language, User

    module = ModulePage.objects.filter(code="M13", locale__language_code=settings.LANGUAGE_CODE).first()
    pre, post = _module_test("M13", "pre"), _module_test("M13", "post")
    evaluation = Instrument.objects.filter(purpose=Purpose.SESSION_EVALUATION, is_default=True, status=InstrumentStatus.PUBLISHED).first()
    if module is None or pre is None or post is None or evaluation is None:
        return {}
    today = timezone.localdate()
    end = today - datetime.timedelta(days=5)
    # Found again as the M13 session in Azerbaijani in Baku that has ended (the other demo sessions are all to come).
    ended = TrainingSession.objects.filter(module=module, language__code="az", venue_city=ENDED_SESSION_CITY, end_date__lt=today)
    if ended.exists():
        return {"ended demo sessions": 1}
    session = TrainingSession.objects.create(
        module=module,
        language=Language.objects.get(code="az"),
        venue_city=ENDED_SESSION_CITY,
        start_date=end - datetime.timedelta(days=2),
        end_date=end,
        application_deadline=end - datetime.timedelta(days=20),
        daily_schedule="09:30–17:00",
        venue_country=Country.objects.get(iso_code="AZ"),
        capacity=20,
        women_target_percent=50,
        status=SessionStatus.IN_PROGRESS,
    )
    services.session_survey_set(session=session, instrument=pre)
    services.session_survey_set(session=session, instrument=post)
    trainer = User.objects.filter(email="trainer@rtcm.example.org").first()
    if trainer is not None:
        session.trainers.add(trainer)
    rng = random.Random(2026)  # noqa: S311 - demo answers, not secrets
    applications = []

    def approve(trainee: User, country: Country | None, category: StakeholderCategory | None) -> None:
        applications.append(
            SessionApplication.objects.create(
                session=session,
                trainee=trainee,
                status=ApplicationStatus.APPROVED,
                motivation="Demo data.",
                organisation_confirmed=True,
                position_confirmed=True,
                country=country,
                category=category,
                gender=trainee.gender,
            )
        )

    for number, (first, last, gender, country, category) in enumerate(PARTICIPANTS, start=1):
        user, _created = User.objects.get_or_create(
            email=f"participant{number:02d}@rtcm.example.org",
            defaults={"first_name": first, "last_name": last, "gender": gender, "country": Country.objects.get(iso_code=country)},
        )
        approve(user, user.country, StakeholderCategory.objects.get(code=category))
    trainee = User.objects.select_related("organisation").filter(email="trainee@rtcm.example.org").first()
    if trainee is not None:
        # What `session_apply` keeps with an application: the trainee's country (or their organisation's) and its category.
        organisation = trainee.organisation
        approve(
            trainee, trainee.country or (organisation.country if organisation else None), organisation.category if organisation else None
        )
    for day in session.days():
        present = {application.pk for application in applications if rng.random() < 0.95}
        attendance_record(session=session, day=day, present_ids=present, recorded_by=trainer or applications[0].trainee)
    _answer_as_participants(session, applications[: len(PARTICIPANTS)], pre, post, evaluation, rng)
    return {"ended demo sessions": 1}


def _answer_as_participants(
    session: object, applications: list, pre: Instrument, post: Instrument, evaluation: Instrument, rng: random.Random
) -> None:
    for instrument, day, chance, how_many in (
        (pre, session.start_date, 0.4, len(applications)),
        (post, session.end_date, 0.8, len(applications)),
        (evaluation, session.end_date, 0.0, 6),
    ):
        # answered on a day the survey was open: the pre-test on the first day, the rest on the last
        for application in applications[:how_many]:
            respondent = services.participant_respondent(instrument=instrument, session=session, user=application.trainee)
            respondent.session = session
            services.response_submit(respondent=respondent, data=_answers(instrument, rng, knowledge_right=chance), today=day)


def load() -> dict[str, int]:
    counts = load_round()
    counts.update(load_ended_session())
    return counts
