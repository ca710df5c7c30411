"""The surveys' demo data: an open round with links, an ended session with tests and evaluations; loaded twice, the same."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from assessments import demo
from assessments.models import Instrument, Purpose, Respondent, Response, RoundStatus

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return (
        Respondent.objects.count(),
        Response.objects.count(),
        Response.objects.filter(instrument__purpose=Purpose.SESSION_EVALUATION).count(),
        Response.objects.filter(instrument__purpose=Purpose.POST_TEST).count(),
    )


def test_the_demo_round_and_ended_session_load_once():
    call_command("load_demo_data", stdout=io.StringIO())
    first = counts()

    call_command("load_demo_data", stdout=io.StringIO())

    assert counts() == first
    assert first[2] == 6 and first[3] == len(demo.PARTICIPANTS)
    assert Respondent.objects.filter(round__status=RoundStatus.OPEN, email=demo.DEMO_RESPONDENT_EMAIL).exists()
    assert "/ru/surveys/link/" in demo.demo_respondent_link()


def test_the_ended_session_uses_the_module_s_own_tests_made_from_the_template_and_every_application_has_a_country():
    from assessments.builtin import TEMPLATE_NOTE
    from curriculum.models import TrainingSession

    call_command("load_demo_data", stdout=io.StringIO())
    session = TrainingSession.objects.get(module__code="M13", language__code="az", end_date__lt=timezone.localdate())
    assert session.venue_city == "Bakı"  # printed on its certificates: a real city, nothing else
    tests = {survey.instrument.purpose: survey.instrument for survey in session.surveys.select_related("instrument")}

    pre, post = tests[Purpose.PRE_TEST], tests[Purpose.POST_TEST]
    assert (pre.code, post.code) == ("m13-knowledge-pre", "m13-knowledge-post")
    assert pre.title_az == "M13 Əmək miqrasiyası və hərəkətlilik: bilik testi (təlimdən əvvəl)"
    assert post.title_ru == "M13 Трудовая миграция и мобильность: тест знаний (после обучения)"
    for test in (pre, post):
        assert all("template" not in title.lower() and "şablon" not in title for title in (test.title_az, test.title_en))
        assert not test.intro_en.startswith(TEMPLATE_NOTE[2]) and test.intro_en
        assert (
            test.questions.count()
            == Instrument.objects.get(code=f"knowledge-test-template-{test.code.rsplit('-', 1)[1]}").questions.count()
        )
    assert post.pass_mark_percent == 60
    assert not session.applications.filter(country__isnull=True).exists()
    assert session.applications.get(trainee__email="trainee@rtcm.example.org").country.iso_code == "AZ"
