"""Simultaneous submissions through one link store exactly one response, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection
from django.test import Client

from assessments.models import Answer, Response
from tests.factories.assessments import RespondentFactory, sample_instrument

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

REQUESTS = 20


def test_twenty_simultaneous_submissions_of_one_link_store_one_response(site, settings):
    # twenty posts on one link in a second is beyond the rate limit: switched off, so every one reaches the lock
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "survey_submit": None}
    instrument = sample_instrument(required=False)
    respondent = RespondentFactory(instrument=instrument)
    respondent.round.instruments.add(instrument)
    single = instrument.questions.get(code="single").field_name
    barrier = threading.Barrier(REQUESTS)
    statuses: list[int] = [0] * REQUESTS

    def submit(index: int) -> None:
        try:
            client = Client()
            barrier.wait()
            statuses[index] = client.post(f"/az/surveys/link/{respondent.token}/", {"action": "submit", single: "a"}).status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(REQUESTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert Counter(statuses) == {302: 1, 409: REQUESTS - 1}, statuses
    assert Response.objects.count() == 1
    assert Answer.objects.count() == 1
