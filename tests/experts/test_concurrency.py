"""Answers and invitations sent at the same moment: exactly one counts, every other request is answered cleanly.

Threads need their own database connections and real commits, which the SQLite test database (in
memory, shared cache) does not allow between threads; these tests run in the PostgreSQL stage.
The conditional update they rely on is exercised on SQLite too (test_invitations.py).
"""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from experts import services
from experts.models import Invitation, InvitationStatus
from people.models import OutboundEmail
from tests.factories.experts import ExpertProfileFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

THREADS = 8


def run_at_once(work, count: int = THREADS) -> list[object]:
    """Run `work(i)` in `count` threads released together; each result or exception, in thread order."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:  # noqa: BLE001 - the test inspects what each thread got
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_of_simultaneous_answers_to_one_invitation_exactly_one_counts(module, coordinator):
    expert = ExpertProfileFactory(chapter_numbers=[13])
    invitation = services.expert_invite(module=module, experts=[expert], invited_by=coordinator).invited[0]
    emails_before = OutboundEmail.objects.filter(to=coordinator.email).count()

    results = run_at_once(lambda i: services.invitation_respond(invitation=invitation, user=expert.user, accept=i % 2 == 0))

    answered = [result for result in results if isinstance(result, Invitation)]
    refused = [result for result in results if isinstance(result, ValidationError)]
    assert (len(answered), len(refused)) == (1, THREADS - 1), results
    assert all(error.code == "answered" for error in refused)
    invitation.refresh_from_db()
    assert invitation.status == answered[0].status != InvitationStatus.PENDING
    assert OutboundEmail.objects.filter(to=coordinator.email).count() == emails_before + 1


def test_simultaneous_invitations_of_one_expert_to_one_module_make_one(module, coordinator):
    expert = ExpertProfileFactory(chapter_numbers=[13])

    results = run_at_once(lambda i: services.expert_invite(module=module, experts=[expert], invited_by=coordinator))

    assert not [result for result in results if isinstance(result, Exception)], results
    assert sum(len(outcome.invited) for outcome in results) == 1
    assert sum(len(outcome.skipped) for outcome in results) == THREADS - 1
    assert Invitation.objects.filter(expert=expert, module=module).count() == 1
    assert OutboundEmail.objects.filter(to=expert.user.email).count() == 1
