"""The surveys' demo data: an open round with links, an ended session with tests and evaluations; loaded twice, the same."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from assessments import demo
from assessments.models import Purpose, Respondent, Response, RoundStatus

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
