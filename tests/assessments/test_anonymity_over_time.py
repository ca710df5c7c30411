"""Differencing over time: an attacker with a coordinator's access (and a trainer of the session) snapshots everything
they can see of an anonymous evaluation while it is open, watches one known participant answer, and snapshots again.

Who answered is visible elsewhere (the participants still to answer, the notices), so any view that moves between the
two snapshots gives that person's answers away. Rule 5 of `assessments.anonymity`: an anonymous scope counts only once
its window has closed, after which no answer is taken, so every view is the same before and after one answer.
"""

from __future__ import annotations

import datetime
import itertools
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from assessments import anonymity, donor_pack, matrix, services
from assessments.models import MatrixRule, Purpose, Respondent, Response
from assessments.results import ResultFilters
from tests.assessments.test_anonymity import answer, export_view
from tests.assessments.test_results_pages import ended_session
from tests.factories.assessments import sample_instrument

pytestmark = pytest.mark.django_db

K = 5
CSRF = re.compile(r'(name="csrfmiddlewaretoken" value="|"CSRF_TOKEN": ")[^"]*"')


@pytest.fixture
def open_evaluation(module, trainer, reference_data):
    """An anonymous evaluation of a session that ended yesterday (open for 30 days), already answered by six."""
    evaluation = sample_instrument(purpose=Purpose.SESSION_EVALUATION, is_anonymous=True, required=False, min_group_size=K)
    session = ended_session(module, trainer, days_ago=1)
    services.session_survey_set(session=session, instrument=evaluation)
    numbers = itertools.count()
    for _ in range(6):
        answer(session, evaluation, country="AZ", category="government", gender="female", n=next(numbers))
    return {"evaluation": evaluation, "session": session, "numbers": numbers, "day": timezone.localdate()}


def page(client, url: str, query: dict[str, str] | None = None) -> tuple[int, str]:
    response = client.get(url, query or {})
    return response.status_code, CSRF.sub(r'\1"', response.content.decode())


def snapshot(client, coordinator, trainer, seeded, run_on_commit) -> dict[str, object]:
    """Everything the coordinator and the session's trainer can fetch about the evaluation's answers."""
    instrument, session, day = seeded["evaluation"], seeded["session"], seeded["day"]
    results = reverse("assessments_results", args=[instrument.pk])
    client.force_login(coordinator)
    views: dict[str, object] = {
        "results index": page(client, reverse("assessments_results_index")),
        "results": page(client, results),
        "results of the session": page(client, results, {"session": str(session.pk)}),
        "results by gender": page(client, results, {"gender": "female"}),
        "export": export_view(client, instrument, {}, run_on_commit),
        "export of the session": export_view(client, instrument, {"session": str(session.pk)}, run_on_commit),
    }
    pack = donor_pack.donor_pack(day - datetime.timedelta(days=7), day, "en")
    views["donor pack"] = [(table.code, table.rows) for table in pack.tables]
    with run_on_commit(execute=True):
        made = matrix.snapshot_request(rule=MatrixRule.MEDIAN, created_by=coordinator)
    made.refresh_from_db()
    views["matrix"] = (
        sorted(
            (
                cell.country_id,
                cell.chapter_id,
                cell.category_id,
                cell.state,
                cell.value,
                cell.further_training,
                cell.further_training_answers,
            )
            for cell in made.cells.all()
        ),
        {name: count for name, count in made.input_counts.items() if name != "cells"},
    )
    # the cell of Azerbaijan (where every participant comes from) and chapter 1 (their further training wanted)
    cell = made.cells.get(country__iso_code="AZ", chapter__number=1, category__isnull=True)
    drill = client.get(reverse("matrix_cell", args=[cell.pk])).context
    views["matrix drill-down"] = [
        drill[name] for name in ("further_training", "relevance", "stated_text", "remaining_text", "hidden_groups", "organisations")
    ] + [(row.instrument.pk, row.category, row.counts, row.hidden) for row in drill["distribution"]]
    client.force_login(trainer)
    views["trainer's session results"] = page(client, reverse("session_results", args=[session.pk]))
    return views


def differences(before: dict[str, object], after: dict[str, object]) -> list[str]:
    return [name for name in before if before[name] != after[name]]


def test_an_open_anonymous_evaluation_shows_nothing_that_moves_when_one_known_participant_answers(
    client, coordinator, trainer, open_evaluation, django_capture_on_commit_callbacks
):
    before = snapshot(client, coordinator, trainer, open_evaluation, django_capture_on_commit_callbacks)
    answer(open_evaluation["session"], open_evaluation["evaluation"], country="AZ", category="government", gender="male", n=99)
    after = snapshot(client, coordinator, trainer, open_evaluation, django_capture_on_commit_callbacks)

    assert Response.objects.filter(instrument=open_evaluation["evaluation"]).count() == 7
    assert not differences(before, after), f"these views changed when one person answered: {differences(before, after)}"


def test_an_open_anonymous_evaluation_says_its_results_appear_when_it_closes_with_the_closing_date(client, coordinator, open_evaluation):
    instrument, session = open_evaluation["evaluation"], open_evaluation["session"]
    client.force_login(coordinator)

    shown = client.get(reverse("assessments_results", args=[instrument.pk]), {"session": str(session.pk)})
    index = client.get(reverse("assessments_results_index"))

    closes = session.end_date + datetime.timedelta(days=services.EVALUATION_OPEN_DAYS)
    assert shown.status_code == 200 and shown.context["results"].suppressed
    assert closes.strftime("%d.%m.%Y") in shown.context["results"].message
    with translation.override("en"):
        assert "appear once it has closed" in anonymity.closing_message(closes)
    assert 'id="question-' not in shown.content.decode()
    assert 'id="anonymous-timing"' in shown.content.decode()
    row = next(item for item in index.context["instruments"] if item.pk == instrument.pk)
    assert row.response_count == 0  # six answers, none counted (nor shown) before the evaluation closes
    assert anonymity.counted_responses(instrument).count() == 0


def test_after_closing_the_results_show_and_stay_the_same_and_a_late_answer_is_refused(
    client, coordinator, trainer, open_evaluation, django_capture_on_commit_callbacks, days_pass
):
    session, instrument = open_evaluation["session"], open_evaluation["evaluation"]
    answer(session, instrument, country="AZ", category="government", gender="male", n=99)
    days_pass(services.EVALUATION_OPEN_DAYS)  # the session ended yesterday: this is the day after its last answering day

    first = snapshot(client, coordinator, trainer, open_evaluation, django_capture_on_commit_callbacks)
    late = Respondent.objects.create(instrument=instrument, session=session, user=trainer, email=trainer.email, language="en")
    with pytest.raises(services.SurveyClosed):
        services.response_submit(respondent=late, data={})
    again = snapshot(client, coordinator, trainer, open_evaluation, django_capture_on_commit_callbacks)

    assert not differences(first, again)
    assert Response.objects.filter(instrument=instrument).count() == 7
    shown = client.get(reverse("session_results", args=[session.pk])).context["results"]
    assert shown is not None and not shown.suppressed and shown.responses == 7
    assert first["export of the session"] is not None and len(first["export of the session"]) == 7
    assert anonymity.view_check(instrument, ResultFilters(session_id=session.pk)).responses == 7
    assert first["matrix drill-down"][0] is not None  # the further training wanted now counts in the matrix
