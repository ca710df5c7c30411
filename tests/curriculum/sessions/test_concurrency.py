"""Capacity holds under simultaneous applications and approvals, on SQLite and on PostgreSQL.

Each thread is a browser: it signs in, applies through the site, and a coordinator's request approves
that application at once, all 50 released together at a 10-seat session.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection
from django.test import Client

from curriculum.models import ApplicationStatus, SessionApplication
from tests.factories.curriculum import TrainingSessionFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

REQUESTS = 50
SEATS = 10


def test_fifty_simultaneous_applications_and_approvals_confirm_exactly_ten(module, make_trainee, coordinator):
    session = TrainingSessionFactory(module=module, capacity=SEATS)
    trainees = [make_trainee(country=("AZ", "GE", "KZ", "UZ", "MD")[n % 5]) for n in range(REQUESTS)]
    barrier = threading.Barrier(REQUESTS)
    statuses: list[tuple[int, int]] = [(0, 0)] * REQUESTS

    def browse(index: int) -> None:
        try:
            trainee_client, coordinator_client = Client(), Client()
            trainee_client.force_login(trainees[index])
            coordinator_client.force_login(coordinator)
            barrier.wait()
            applied = trainee_client.post(
                f"/en/sessions/{session.pk}/apply/",
                {"motivation": "Simultaneous.", "organisation_confirmed": "on", "position_confirmed": "on"},
            )
            application = SessionApplication.objects.get(session=session, trainee=trainees[index])
            decided = coordinator_client.post(
                f"/admin/sessions/{session.pk}/applications/", {"decision": "approved", "applications": [application.pk]}
            )
            statuses[index] = (applied.status_code, decided.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=browse, args=(n,)) for n in range(REQUESTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert Counter(statuses) == {(302, 302): REQUESTS}, statuses
    outcome = Counter(session.applications.values_list("status", flat=True))
    assert outcome == {ApplicationStatus.APPROVED: SEATS, ApplicationStatus.WAITLISTED: REQUESTS - SEATS}


def test_simultaneous_duplicate_applications_make_one(session, make_trainee):
    trainee = make_trainee()
    barrier = threading.Barrier(8)
    codes: list[int] = [0] * 8

    def submit(index: int) -> None:
        try:
            client = Client()
            client.force_login(trainee)
            barrier.wait()
            codes[index] = client.post(
                f"/en/sessions/{session.pk}/apply/", {"motivation": "Twice.", "organisation_confirmed": "on", "position_confirmed": "on"}
            ).status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(codes) == [302] + [409] * 7
    assert SessionApplication.objects.filter(session=session, trainee=trainee).count() == 1
