"""The anonymity rule of anonymous surveys, played by an attacker with a coordinator's access.

The seeded evaluation: a session of twelve participants who all answer (five women and six men from
government bodies, and one woman from civil society, the lone minority) and a second session whose
evaluation only two participants answered. The attacker enumerates every filter value and every pair
of filters, on the results page and in the exports, and the donor pack's periods, then compares every
two views it was allowed to see: no group of fewer than five may come out, directly or by subtraction.
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from assessments import anonymity, donor_pack, exports, matrix, services
from assessments.models import MatrixRule, Purpose, Respondent, Response
from assessments.results import ResultFilters
from curriculum.models import TrainingSession
from people.models import Country, StakeholderCategory
from tests.assessments.test_results_pages import ended_session
from tests.factories.assessments import sample_instrument
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db

K = 5
LONE_TEXT = "Only I came from civil society"


def answer(session: TrainingSession, instrument, *, country: str, category: str, gender: str, n: int, text: str = "") -> None:
    participant = UserFactory(role="trainee")
    respondent = Respondent.objects.create(
        instrument=instrument,
        session=session,
        user=participant,
        email=participant.email,
        language="en",
        country=Country.objects.get(iso_code=country),
        category=StakeholderCategory.objects.get(code=category),
        gender=gender,
    )
    fields = {question.code: question.field_name for question in instrument.questions.all()}
    data = {fields["single"]: ["abc"[n % 3]], fields["likert"]: [str(1 + n % 5)], fields["number"]: [str(n)]}
    data[fields["short"]] = [text or f"Answer {n}"]
    data[f"{fields['grid']}-c1"] = [str(1 + n % 4)]  # further training wanted on chapter 1
    services.response_submit(respondent=respondent, data=data)


@pytest.fixture
def seeded(module, trainer, reference_data, days_pass):
    """The evaluations answered, then the days passing until both have closed (an open survey shows nothing yet)."""
    day = timezone.localdate()
    evaluation = sample_instrument(purpose=Purpose.SESSION_EVALUATION, is_anonymous=True, required=False, min_group_size=K)
    big = ended_session(module, trainer, days_ago=1)
    small = ended_session(module, trainer, days_ago=3)
    for session in (big, small):
        services.session_survey_set(session=session, instrument=evaluation)
    n = itertools.count()
    for _ in range(5):
        answer(big, evaluation, country="AZ", category="government", gender="female", n=next(n))
    answer(big, evaluation, country="AZ", category="cso", gender="female", n=next(n), text=LONE_TEXT)
    for _ in range(6):
        answer(big, evaluation, country="AZ", category="government", gender="male", n=next(n))
    for _ in range(2):
        answer(small, evaluation, country="GE", category="government", gender="male", n=next(n))
    days_pass(services.EVALUATION_OPEN_DAYS)  # the big session ended yesterday: its evaluation has closed
    return {"evaluation": evaluation, "big": big, "small": small, "day": day}


def every_view(seeded) -> list[dict[str, str]]:
    """No filter, each filter value, and each pair of values of two different filters."""
    values = {
        "session": [seeded["big"].pk, seeded["small"].pk],
        "country": [Country.objects.get(iso_code=code).pk for code in ("AZ", "GE")],
        "category": [StakeholderCategory.objects.get(code=code).pk for code in ("government", "cso")],
        "gender": ["female", "male"],
    }
    singles = [{name: str(value)} for name, choices in values.items() for value in choices]
    pairs = [
        {first: str(a), second: str(b)}
        for first, second in itertools.combinations(values, 2)
        for a in values[first]
        for b in values[second]
    ]
    return [{}, *singles, *pairs]


def page_view(client, instrument, query: dict[str, str]) -> Counter | None:
    """What a results page shows as a multiset of (question, figure) items, or None when it shows nothing of the group."""
    response = client.get(reverse("assessments_results", args=[instrument.pk]), query)
    assert response.status_code == 200, (query, response.status_code)
    results = response.context["results"]
    body = response.content.decode()
    if results is None or results.suppressed:
        assert 'id="question-' not in body and LONE_TEXT not in body
        return None
    seen: Counter = Counter({("responses",): results.responses})
    for question in results.questions:
        for option in question.options:
            seen[(question.question.code, option.option.value)] += option.count
        for text in question.texts:
            seen[(question.question.code, text)] += 1
    return seen


def export_view(client, instrument, query: dict[str, str], run_on_commit) -> list[dict[str, str]] | None:
    """The rows of the CSV a coordinator gets for the filters (the queued job runs at the commit), or None when refused."""
    with run_on_commit(execute=True):
        response = client.post(reverse("assessments_results_export", args=[instrument.pk]), {"format": "csv", "language": "en", **query})
    assert response.status_code == 302, (query, response.status_code)
    if "/surveys/exports/" not in response["Location"]:
        return None
    job_id = int(response["Location"].rstrip("/").split("/")[-1])
    download = client.get(reverse("assessments_export_download", args=[job_id]))
    assert download.status_code == 200
    content = b"".join(download.streaming_content).decode("utf-8-sig")
    records = list(csv.reader(io.StringIO(content)))
    return [dict(zip(records[0], record, strict=True)) for record in records[1:]]


def contains(larger: Counter, smaller: Counter) -> bool:
    return all(larger[key] >= count for key, count in smaller.items())


def test_no_filter_pair_and_no_export_pair_lets_a_coordinator_single_out_a_group_under_five(
    client, coordinator, seeded, django_capture_on_commit_callbacks
):
    instrument = seeded["evaluation"]
    client.force_login(coordinator)
    views = every_view(seeded)

    pages = {tuple(sorted(view.items())): page_view(client, instrument, view) for view in views}
    shown = {key: seen for key, seen in pages.items() if seen is not None}
    files = {tuple(sorted(view.items())): export_view(client, instrument, view, django_capture_on_commit_callbacks) for view in views}
    allowed = {key: rows for key, rows in files.items() if rows is not None}

    assert shown and allowed, "the whole group of twelve must stay visible"
    leaks = []
    for key, seen in shown.items():
        if seen[("responses",)] < K:
            leaks.append(f"page {dict(key)} shows {seen[('responses',)]} respondent(s)")
    for (key_a, a), (key_b, b) in itertools.permutations(shown.items(), 2):
        left = a[("responses",)] - b[("responses",)]
        if contains(a, b) and 0 < left < K:
            leaks.append(f"page {dict(key_a)} minus page {dict(key_b)} leaves {left} respondent(s)")
    describing = ("Submitted on", "Country", "Stakeholder category", "Gender")
    for key, rows in allowed.items():
        # rows told apart by what describes a person (a blank counts: it marks the minority) form groups of five or more
        groups = Counter(tuple(row.get(name) for name in describing if name in row) for row in rows)
        if len(rows) < K or min(groups.values()) < K:
            leaks.append(f"export {dict(key)} singles out a row: {sorted(groups.values())}")
    as_multisets = {
        key: Counter(tuple(sorted((name, value) for name, value in row.items() if name != "Response")) for row in rows)
        for key, rows in allowed.items()
    }
    for (key_a, a), (key_b, b) in itertools.permutations(as_multisets.items(), 2):
        left = sum(a.values()) - sum(b.values())
        if contains(a, b) and 0 < left < K:
            leaks.append(f"export {dict(key_a)} minus export {dict(key_b)} leaves {left} row(s)")
    assert not leaks, "\n".join(leaks)


def test_no_two_periods_of_the_donor_pack_single_out_the_evaluations_of_fewer_than_five(seeded):
    today = seeded["day"]
    periods = [
        (today - datetime.timedelta(days=days_from), today - datetime.timedelta(days=days_to))
        for days_from, days_to in ((5, 0), (2, 0), (5, 2), (3, 3), (1, 1))
    ]
    evaluated: dict[tuple[datetime.date, datetime.date], dict[str, int]] = {}
    for period in periods:
        pack = donor_pack.donor_pack(*period, "en")
        table = next(table for table in pack.tables if table.code == "evaluation")
        evaluated[period] = {row["question_code"]: row["answers"] for row in table.rows}

    for period, answers in evaluated.items():
        assert all(n >= K for n in answers.values()), (period, answers)
    for (period_a, a), (period_b, b) in itertools.permutations(evaluated.items(), 2):
        for code in a:
            left = a[code] - b.get(code, 0)
            assert left <= 0 or left >= K, f"{period_a} minus {period_b} leaves {left} answer(s) to {code}"


def test_the_filters_that_would_identify_people_are_not_offered_and_a_forced_one_is_refused_with_a_message(client, coordinator, seeded):
    instrument = seeded["evaluation"]
    client.force_login(coordinator)

    page = client.get(reverse("assessments_results", args=[instrument.pk]))
    forced = client.get(reverse("assessments_results", args=[instrument.pk]), {"category": seeded_category("government")})

    form = page.context["form"]
    # country (all from Azerbaijan in the counted session) and gender (five or more each) are released; category is not
    assert "category" not in form.fields and "country" in form.fields and "gender" in form.fields
    assert len(form.withheld) == 1 and 'name="category"' not in page.content.decode()
    assert 'id="withheld-filters"' in page.content.decode()
    assert forced.status_code == 200 and forced.context["results"].suppressed
    with translation.override(forced.context["current_language"]):
        assert forced.context["results"].message == anonymity.filter_message(instrument)
    with translation.override("en"):
        assert "would identify people" in anonymity.filter_message(instrument)
    assert 'id="question-' not in forced.content.decode()


def seeded_category(code: str) -> str:
    return str(StakeholderCategory.objects.get(code=code).pk)


def test_the_responses_of_a_session_below_the_minimum_count_nowhere(seeded):
    instrument = seeded["evaluation"]

    whole = exports.export_table(instrument, ResultFilters(), "en")[1]

    assert len(whole) == 12  # the two answers of the small session are left out until it holds five
    assert Response.objects.filter(instrument=instrument).count() == 14


def test_an_anonymous_respondent_keeps_only_the_day_of_submission(seeded):
    respondents = Respondent.objects.filter(instrument=seeded["evaluation"], submitted_at__isnull=False)

    assert respondents.count() == 14
    for respondent in respondents:
        moment = timezone.localtime(respondent.submitted_at)
        assert (moment.hour, moment.minute, moment.second, moment.microsecond) == (0, 0, 0, 0)
    assert all(isinstance(day, datetime.date) for day in Response.objects.values_list("submitted_on", flat=True))


def test_an_anonymous_export_carries_nothing_that_describes_the_person_and_not_the_order_of_submission(seeded):
    instrument = seeded["evaluation"]

    header, rows = exports.export_table(instrument, ResultFilters(session_id=seeded["big"].pk), "en")
    rows = list(rows)

    assert header[:2] == ["Round", "Session"]
    assert not {"Response", "Submitted on", "Country", "Stakeholder category", "Gender", "Organisation"} & set(header)
    number = next(place for place, label in enumerate(header) if label.startswith("number · "))
    # each participant answered their place in the order of submission as the number question
    order = [int(row[number]) for row in rows]
    assert sorted(order) == list(range(12))
    assert order != list(range(12))
    by_key = list(Response.objects.filter(session=seeded["big"]).order_by("sort_key", "pk").values_list("pk", flat=True))
    assert by_key != sorted(by_key)  # the random key is not the order of the ids


def test_an_anonymous_survey_lists_its_texts_in_their_own_order_not_that_of_submission(client, coordinator, seeded):
    client.force_login(coordinator)

    results = client.get(reverse("assessments_results", args=[seeded["evaluation"].pk]), {"session": seeded["big"].pk}).context["results"]

    texts = next(question for question in results.questions if question.question.code == "short").texts
    assert texts == sorted(texts) and LONE_TEXT in texts


def test_no_matrix_cell_stands_on_the_further_training_answers_of_fewer_than_five(
    client, coordinator, seeded, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        snapshot = matrix.snapshot_request(rule=MatrixRule.MEDIAN, created_by=coordinator)
    snapshot.refresh_from_db()
    client.force_login(coordinator)

    fed = snapshot.cells.filter(further_training__isnull=False, chapter__number=1)
    georgia = snapshot.cells.get(chapter__number=1, country__iso_code="GE", category__isnull=True)
    page = client.get(reverse("matrix_cell", args=[georgia.pk]))

    # Azerbaijan's twelve answers count; Georgia's two (a session below the minimum) count nowhere
    assert {(cell.country.iso_code, cell.further_training_answers) for cell in fed.select_related("country")} == {("AZ", 12)}
    assert georgia.further_training is None and page.context["further_training"] is None


def test_the_migration_gives_existing_responses_their_own_random_key_and_anonymous_respondents_only_their_day(seeded):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("assessments.migrations.0004_response_random_order_and_anonymous_submission_day")
    afternoon = timezone.make_aware(datetime.datetime(2026, 11, 20, 14, 37, 12))
    Respondent.objects.filter(instrument=seeded["evaluation"]).update(submitted_at=afternoon)
    Response.objects.update(sort_key=7)  # as the new column's one default left them

    migration.shuffle_and_coarsen(apps, None)

    assert set(Respondent.objects.filter(instrument=seeded["evaluation"]).values_list("submitted_at", flat=True)) == {
        timezone.make_aware(datetime.datetime(2026, 11, 20))
    }
    assert len(set(Response.objects.values_list("sort_key", flat=True))) > 1
