"""Coordinators rank vetted experts for a module by an explained score."""

from __future__ import annotations

import datetime
import random

import pytest
from django.utils import translation

from bench.baselines.matching import rank_experts_naively
from curriculum.models import ThematicChapter
from experts import matching
from experts.models import ExpertProfile, ExpertStatus, Invitation, InvitationStatus
from people.models import Country, Language, User
from tests.factories.experts import ExpertProfileFactory

MAY = (datetime.date(2027, 5, 1), datetime.date(2027, 5, 31))


def ranked_emails(matches: list[matching.Match]) -> list[str]:
    return [match.expert.user.email for match in matches]


def request_for(module, **kwargs) -> matching.MatchRequest:
    return matching.request_for_module(module, **kwargs)


def test_a_lead_expert_in_the_modules_chapters_ranks_above_a_practitioner_and_an_outsider(module):
    ExpertProfileFactory(user__email="outsider@example.org", chapter_numbers={2: "lead"})
    ExpertProfileFactory(user__email="practitioner@example.org", chapter_numbers={13: "practitioner"})
    ExpertProfileFactory(user__email="lead@example.org", chapter_numbers={13: "lead", 14: "lead"})

    matches = matching.rank_experts(request_for(module))

    assert ranked_emails(matches) == ["lead@example.org", "practitioner@example.org", "outsider@example.org"]
    assert [round(m.score, 1) for m in matches] == [40.0, 12.0, 0.0]


def test_each_reason_names_what_gave_the_points(module):
    ExpertProfileFactory(
        user__email="aygun@example.org",
        user__gender=User.Gender.FEMALE,
        chapter_numbers={13: "lead"},
        language_codes={"ru": "native"},
        field_country_codes=["KZ"],
        windows=[MAY],
    )
    russian = Language.objects.get(code="ru")
    countries = list(Country.objects.filter(iso_code__in=["KZ", "UZ"]))

    with translation.override("en"):
        (match,) = matching.rank_experts(request_for(module, language=russian, countries=countries, start=MAY[0], end=MAY[1]))

    texts = [reason.text for reason in match.reasons]
    chapter = ThematicChapter.objects.get(number=13)
    assert texts[0] == f"Lead expert in chapter 13, {chapter.name_en}"
    assert texts[1] == f"Works in {russian.name_en} (Native)"
    assert texts[2].startswith("Field experience in ") and "(1 of 2 participants' countries)" in texts[2]
    assert texts[3] == "Available over the whole period"
    assert match.score == pytest.approx(20 + 25 + 7.5 + 15)


def test_the_language_of_delivery_counts_by_level(module):
    ExpertProfileFactory(user__email="native@example.org", chapter_numbers=[2], language_codes={"ru": "native"})
    ExpertProfileFactory(user__email="working@example.org", chapter_numbers=[2], language_codes={"ru": "working"})
    ExpertProfileFactory(user__email="none@example.org", chapter_numbers=[2], language_codes={"en": "native"})

    with translation.override("en"):
        matches = matching.rank_experts(request_for(module, language=Language.objects.get(code="ru")))

    assert ranked_emails(matches) == ["native@example.org", "working@example.org", "none@example.org"]
    assert matches[2].reasons[-1].text.startswith("Does not work in")


def test_partial_availability_counts_half(module):
    ExpertProfileFactory(
        user__email="part@example.org", chapter_numbers=[2], windows=[(datetime.date(2027, 5, 20), datetime.date(2027, 6, 30))]
    )
    ExpertProfileFactory(
        user__email="away@example.org", chapter_numbers=[2], windows=[(datetime.date(2027, 8, 1), datetime.date(2027, 8, 30))]
    )

    matches = matching.rank_experts(request_for(module, start=MAY[0], end=MAY[1]))

    assert [(m.expert.user.email, m.score) for m in matches] == [("part@example.org", 7.5), ("away@example.org", 0.0)]


def test_an_expert_from_a_participants_organisation_is_marked_as_a_conflict(module):
    ExpertProfileFactory(user__email="inside@example.org", organisation_name="Dövlət Miqrasiya Xidməti", chapter_numbers=[13])
    ExpertProfileFactory(user__email="outside@example.org", organisation_name="Fictional Institute", chapter_numbers=[13])

    matches = matching.rank_experts(request_for(module, participant_organisations=["dövlət miqrasiya xidməti"]))

    assert ranked_emails(matches) == ["outside@example.org", "inside@example.org"]
    assert matches[1].has_conflict and not matches[0].has_conflict
    assert matches[1].score == pytest.approx(20 - 30)


def test_the_underrepresented_gender_of_the_accepted_team_gets_the_balance_points(module):
    man = ExpertProfileFactory(user__email="accepted.man@example.org", user__gender=User.Gender.MALE, chapter_numbers=[13])
    Invitation.objects.create(expert=man, module=module, status=InvitationStatus.ACCEPTED)
    ExpertProfileFactory(user__email="woman@example.org", user__gender=User.Gender.FEMALE, chapter_numbers=[13])
    ExpertProfileFactory(user__email="another.man@example.org", user__gender=User.Gender.MALE, chapter_numbers=[13])

    with translation.override("en"):
        matches = matching.rank_experts(request_for(module))

    assert ranked_emails(matches) == ["woman@example.org", "another.man@example.org"]
    assert matches[0].reasons[-1].text == "Balances the trainer team, which has fewer women"


def test_only_vetted_experts_not_yet_invited_are_ranked(module):
    for status in (ExpertStatus.APPLIED, ExpertStatus.PAUSED, ExpertStatus.WITHDRAWN):
        ExpertProfileFactory(user__email=f"{status}@example.org", status=status, chapter_numbers=[13])
    invited = ExpertProfileFactory(user__email="invited@example.org", chapter_numbers=[13])
    Invitation.objects.create(expert=invited, module=module)
    ExpertProfileFactory(user__email="free@example.org", chapter_numbers=[13])

    assert ranked_emails(matching.rank_experts(request_for(module))) == ["free@example.org"]


def test_the_database_score_equals_the_explained_score_for_a_random_roster(module):
    rng = random.Random(20270501)
    countries = list(Country.objects.all())
    chapters = [1, 2, 13, 14, 20]
    for number in range(60):
        start = datetime.date(2027, rng.randint(1, 12), rng.randint(1, 28))
        ExpertProfileFactory(
            user__email=f"random{number}@example.org",
            user__gender=rng.choice([User.Gender.FEMALE, User.Gender.MALE, User.Gender.ANOTHER]),
            organisation_name=rng.choice(["Alpha", "Beta", "Gamma"]),
            chapter_numbers={n: rng.choice(["lead", "practitioner"]) for n in rng.sample(chapters, rng.randint(1, 3))},
            language_codes={c: rng.choice(["native", "fluent", "working", "basic"]) for c in rng.sample(["ru", "en", "az", "kk"], 2)},
            field_country_codes=[c.iso_code for c in rng.sample(countries, rng.randint(0, 3))],
            windows=[(start, start + datetime.timedelta(days=rng.randint(0, 60)))],
        )
    man = ExpertProfile.objects.filter(user__gender=User.Gender.MALE).first()
    Invitation.objects.create(expert=man, module=module, status=InvitationStatus.ACCEPTED)
    request = request_for(
        module,
        language=Language.objects.get(code="ru"),
        countries=countries[:3],
        start=datetime.date(2027, 5, 1),
        end=datetime.date(2027, 5, 20),
        participant_organisations=["beta"],
    )

    in_database = matching.rank_experts(request, limit=100)
    in_python = rank_experts_naively(request, limit=100)

    assert len(in_database) == 59
    assert [m.score for m in in_database] == sorted((m.score for m in in_database), reverse=True)
    by_id = {m.expert.pk: m.score for m in in_python}
    for match in in_database:
        assert match.score == pytest.approx(by_id[match.expert.pk])
    assert len({round(m.score, 3) for m in in_database}) > 10


def test_ranking_issues_the_same_number_of_queries_for_5_and_50_experts(module, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        request = request_for(module, language=Language.objects.get(code="ru"), countries=list(Country.objects.all()[:2]), start=MAY[0])
        with CaptureQueriesContext(connection) as queries:
            matching.rank_experts(request)
        return len(queries)

    for number in range(5):
        ExpertProfileFactory(user__email=f"few{number}@example.org", chapter_numbers=[13], field_country_codes=["AZ"], windows=[MAY])
    few = count()
    for number in range(45):
        ExpertProfileFactory(user__email=f"more{number}@example.org", chapter_numbers=[13], field_country_codes=["AZ"], windows=[MAY])

    assert count() == few
