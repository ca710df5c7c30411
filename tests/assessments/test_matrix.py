"""The priority matrix: the 2021 baseline cell by cell, recomputes with known medians, NA and empty kept apart, overrides."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from assessments import matrix, services
from assessments.models import CellOverride, CellState, MatrixCell, MatrixRule, MatrixSnapshot, Purpose, QuestionKind, SnapshotStatus
from bench.baselines.matrix import naive_recompute
from people.models import Country, StakeholderCategory
from tests.factories.assessments import InstrumentFactory, QuestionFactory, RespondentFactory, RoundFactory

pytestmark = pytest.mark.django_db


def test_the_baseline_reproduces_table_7_cell_by_cell(reference_data):
    snapshot = matrix.baseline_load()

    with matrix.BASELINE_CSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    cells = {(c.chapter.number, c.country.iso_code): c for c in snapshot.cells.select_related("chapter", "country")}
    assert len(cells) == 22 * 13
    for row in rows:
        for code in ("AZ", "BY", "GE", "IR", "KZ", "KG", "MD", "RU", "TJ", "TR", "TM", "UA", "UZ"):
            assert cells[(int(row["chapter_no"]), code)].display == row[code], (row["chapter_no"], code)
    assert cells[(10, "MD")].state == CellState.NOT_AVAILABLE
    assert cells[(10, "KZ")].state == CellState.EMPTY
    assert all(cells[(n, "UZ")].state == CellState.EMPTY for n in range(1, 23))
    assert "16:AZ" in snapshot.parameters["uncertain_cells"]


def test_the_baseline_loads_once(reference_data):
    assert matrix.baseline_load().pk == matrix.baseline_load().pk
    assert MatrixSnapshot.objects.count() == 1


@pytest.fixture
def grid_round(reference_data):
    instrument = InstrumentFactory(purpose=Purpose.NEEDS_ASSESSMENT)
    QuestionFactory(instrument=instrument, code="priorities", kind=QuestionKind.PRIORITY_GRID, required=False)
    survey_round = RoundFactory()
    survey_round.instruments.add(instrument)
    return survey_round, instrument


def answer(grid_round, country: str, ratings: dict[int, str], category: str = "government") -> None:
    survey_round, instrument = grid_round
    respondent = RespondentFactory(
        round=survey_round,
        instrument=instrument,
        country=Country.objects.get(iso_code=country),
        category=StakeholderCategory.objects.get(code=category),
    )
    name = instrument.questions.get().field_name
    services.response_submit(respondent=respondent, data={f"{name}-c{chapter}": [value] for chapter, value in ratings.items()})


def recompute(rule: str = MatrixRule.MEDIAN, **parameters) -> dict[tuple[int, str, str | None], MatrixCell]:
    snapshot = MatrixSnapshot.objects.create(kind="recompute", label="test", rule=rule, parameters=parameters)
    matrix.snapshot_compute(snapshot)
    snapshot.refresh_from_db()
    assert snapshot.status == SnapshotStatus.DONE
    return {
        (c.chapter.number, c.country.iso_code, c.category.code if c.category else None): c
        for c in snapshot.cells.select_related("chapter", "country", "category")
    }


def test_recomputing_gives_the_known_medians_with_their_answer_counts(grid_round):
    for ratings in ({1: "4", 2: "1"}, {1: "2", 2: "2"}, {1: "4", 2: "3"}, {1: "3"}):
        answer(grid_round, "AZ", ratings)
    answer(grid_round, "GE", {1: "1"})
    answer(grid_round, "GE", {1: "2"})

    cells = recompute()

    assert (cells[(1, "AZ", None)].value, cells[(1, "AZ", None)].answers) == (Decimal("3.50"), 4)  # 2,3,4,4
    assert (cells[(2, "AZ", None)].value, cells[(2, "AZ", None)].answers) == (Decimal("2.00"), 3)  # 1,2,3
    assert cells[(1, "GE", None)].value == Decimal("1.50")
    assert cells[(1, "AZ", None)].top_answers == 2


def test_mean_maximum_and_category_weights_are_rules_too(grid_round):
    answer(grid_round, "MD", {5: "4"}, category="government")
    answer(grid_round, "MD", {5: "1"}, category="cso")
    answer(grid_round, "MD", {5: "1"}, category="cso")

    assert recompute(MatrixRule.MEAN)[(5, "MD", None)].value == Decimal("2.00")
    assert recompute(MatrixRule.MAXIMUM)[(5, "MD", None)].value == Decimal("4.00")
    weighted = recompute(MatrixRule.WEIGHTED, weights={"government": 3, "cso": 1})
    assert weighted[(5, "MD", None)].value == Decimal("3.25")  # (4x3 + 1x1) / 4
    assert weighted[(5, "MD", "cso")].value == Decimal("1.00")


def test_not_applicable_and_no_answer_stay_distinct_through_recompute(grid_round):
    answer(grid_round, "TM", {7: "na"})
    answer(grid_round, "TM", {7: "na", 8: "3"})

    cells = recompute()

    assert cells[(7, "TM", None)].state == CellState.NOT_AVAILABLE and cells[(7, "TM", None)].na_answers == 2
    assert cells[(9, "TM", None)].state == CellState.EMPTY and cells[(9, "TM", None)].value is None
    assert cells[(8, "TM", None)].state == CellState.SCORE
    assert (7, "UZ", None) in cells and cells[(7, "UZ", None)].state == CellState.EMPTY


def test_only_the_chosen_rounds_count(grid_round):
    answer(grid_round, "AZ", {1: "4"})
    other_round = RoundFactory()
    other_round.instruments.add(grid_round[1])
    answer((other_round, grid_round[1]), "AZ", {1: "1"})

    assert recompute(rounds=[other_round.pk])[(1, "AZ", None)].value == Decimal("1.00")


def test_the_remaining_need_follows_the_formula():
    assert matrix.remaining_need(Decimal(4), None, 0, None, None) == Decimal(4)
    assert matrix.remaining_need(Decimal(4), Decimal(2), 0, None, None) == Decimal(3)
    assert matrix.remaining_need(Decimal(4), None, 200, None, None) == Decimal(2)  # full coverage, effectiveness 1
    assert matrix.remaining_need(Decimal(4), None, 100, Decimal(5), Decimal(0)) == Decimal("3.5")  # E = (1 + 0) / 2
    assert matrix.remaining_need(None, Decimal(4), 10, None, None) is None


def test_an_override_without_a_justification_is_refused(reference_data):
    cell = matrix.baseline_load().cells.get(chapter__number=1, country__iso_code="AZ")
    from tests.factories.people import UserFactory

    coordinator = UserFactory(role="coordinator")
    with pytest.raises(ValidationError):
        matrix.cell_override(cell=cell, state=CellState.SCORE, value=Decimal(2), justification="  ", made_by=coordinator)
    assert CellOverride.objects.count() == 0

    matrix.cell_override(
        cell=cell, state=CellState.NOT_AVAILABLE, value=None, justification="The ministry withdrew its answer.", made_by=coordinator
    )
    cell.refresh_from_db()
    assert cell.state == CellState.NOT_AVAILABLE and cell.value is None
    override = CellOverride.objects.get()
    assert (override.previous_state, override.previous_value) == (CellState.SCORE, Decimal(4))


def test_a_score_override_must_be_between_1_and_4(reference_data):
    cell = matrix.baseline_load().cells.get(chapter__number=1, country__iso_code="AZ")
    from tests.factories.people import UserFactory

    with pytest.raises(ValidationError):
        matrix.cell_override(
            cell=cell, state=CellState.SCORE, value=Decimal(5), justification="Because the report says so.", made_by=UserFactory()
        )


def test_the_recompute_task_fills_a_queued_snapshot_once(grid_round, django_capture_on_commit_callbacks):
    from tests.factories.people import UserFactory

    answer(grid_round, "AZ", {1: "4"})
    with django_capture_on_commit_callbacks(execute=True):
        snapshot = matrix.snapshot_request(rule=MatrixRule.MEDIAN, created_by=UserFactory(role="coordinator"))
    snapshot.refresh_from_db()
    assert snapshot.status == SnapshotStatus.DONE and snapshot.progress == 100
    assert "median" in snapshot.formula and snapshot.input_counts["priority_answers"] == 1
    count = snapshot.cells.count()

    from assessments.tasks import matrix_recompute

    assert matrix_recompute(snapshot.pk) == "already-done"
    assert snapshot.cells.count() == count


def test_the_naive_loop_agrees_with_the_database_recompute(grid_round):
    for ratings in ({1: "4", 3: "2"}, {1: "1", 3: "2"}, {1: "3"}):
        answer(grid_round, "GE", ratings)
    cells = recompute()

    naive = naive_recompute()

    for (country_id, chapter_id), value in naive.items():
        cell = next(c for c in cells.values() if c.country_id == country_id and c.chapter_id == chapter_id and c.category is None)
        assert cell.value == value


def test_delivery_and_evaluation_feedback_feed_the_remaining_need(grid_round, module, coordinator, days_pass):
    import datetime

    from curriculum.attendance import attendance_record
    from curriculum.models import ApplicationStatus, SessionApplication, ThematicChapter
    from tests.factories.assessments import OptionFactory
    from tests.factories.curriculum import TrainingSessionFactory
    from tests.factories.people import UserFactory

    answer(grid_round, "AZ", {13: "4"})
    module.chapters.set([ThematicChapter.objects.get(number=13)])
    module.save()  # a parental many-to-many is written when the page is saved
    end = datetime.date.today() - datetime.timedelta(days=1)
    session = TrainingSessionFactory(
        module=module, start_date=end - datetime.timedelta(days=1), end_date=end, application_deadline=end - datetime.timedelta(days=5)
    )
    az = Country.objects.get(iso_code="AZ")
    applications = [
        SessionApplication.objects.create(
            session=session, trainee=UserFactory(), status=ApplicationStatus.APPROVED, motivation="-", country=az
        )
        for _n in range(3)
    ]
    for day in session.days():
        attendance_record(session=session, day=day, present_ids={a.pk for a in applications}, recorded_by=coordinator)
    # three answers, shown at a smallest group of 3 (tests/assessments/test_anonymity.py covers the groups below it)
    evaluation = InstrumentFactory(purpose=Purpose.SESSION_EVALUATION, is_anonymous=True, min_group_size=3)
    relevance = QuestionFactory(instrument=evaluation, code="relevance", kind=QuestionKind.LIKERT, required=False)
    for point in range(1, 6):
        OptionFactory(question=relevance, value=str(point), score=point)
    grid = QuestionFactory(instrument=evaluation, code="further_training", kind=QuestionKind.PRIORITY_GRID, required=False)
    services.session_survey_set(session=session, instrument=evaluation)
    for application, (rating, wanted) in zip(applications, [("5", "2"), ("5", "2"), ("3", "2")], strict=True):
        respondent = services.participant_respondent(instrument=evaluation, session=session, user=application.trainee)
        respondent.session = session
        services.response_submit(respondent=respondent, data={relevance.field_name: [rating], f"{grid.field_name}-c13": [wanted]})
    days_pass(services.EVALUATION_OPEN_DAYS)  # the anonymous evaluation counts once it has closed

    cell = recompute()[(13, "AZ", None)]

    assert (cell.sessions, cell.participants, cell.participant_days) == (1, 3, 6)
    assert cell.further_training == Decimal("2.00") and cell.further_training_answers == 3
    assert cell.relevance == Decimal("4.33")
    # P' = (4 + 2) / 2 = 3; C = 6/200 x (4.33 - 1) / 4; need = 3 x (1 - 0.5 C)
    expected = matrix.quantize(matrix.remaining_need(Decimal(4), Decimal(2), 6, Decimal("4.33"), None))
    assert cell.remaining_need == expected and cell.remaining_need < Decimal(3)
