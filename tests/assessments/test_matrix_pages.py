"""The coordinators' priority-matrix pages: heatmap, summary, drill-down and overrides, recompute, delivery, comparison, downloads."""

from __future__ import annotations

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from assessments import matrix, services
from assessments.matrix_selectors import colour_step
from assessments.models import CellOverride, CellState, MatrixCell, MatrixRule, MatrixSnapshot, Purpose, QuestionKind, SnapshotStatus
from curriculum.models import ThematicChapter
from people.models import Country, StakeholderCategory
from tests.factories.assessments import InstrumentFactory, QuestionFactory, RespondentFactory, RoundFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def baseline(reference_data) -> MatrixSnapshot:
    return matrix.baseline_load()


@pytest.fixture
def grid_round(reference_data):
    instrument = InstrumentFactory(purpose=Purpose.NEEDS_ASSESSMENT)
    QuestionFactory(instrument=instrument, code="priorities", kind=QuestionKind.PRIORITY_GRID, required=False)
    survey_round = RoundFactory()
    survey_round.instruments.add(instrument)
    return survey_round, instrument


def answer(grid_round, country: str, ratings: dict[int, str], category: str = "government", organisation: str = "") -> None:
    survey_round, instrument = grid_round
    respondent = RespondentFactory(
        round=survey_round,
        instrument=instrument,
        country=Country.objects.get(iso_code=country),
        category=StakeholderCategory.objects.get(code=category),
        **({"organisation_name": organisation} if organisation else {}),
    )
    name = instrument.questions.get().field_name
    services.response_submit(respondent=respondent, data={f"{name}-c{chapter}": [value] for chapter, value in ratings.items()})


def recomputed(rule: str = MatrixRule.MEDIAN, **parameters) -> MatrixSnapshot:
    snapshot = MatrixSnapshot.objects.create(kind="recompute", label=f"Test {rule}", rule=rule, parameters=parameters)
    return matrix.snapshot_compute(snapshot)


def cell_of(snapshot: MatrixSnapshot, chapter: int, country: str, category: str | None = None) -> MatrixCell:
    cells = snapshot.cells.filter(chapter__number=chapter, country__iso_code=country)
    return cells.get(category__code=category) if category else cells.get(category__isnull=True)


def cell_html(page: str, cell: MatrixCell) -> str:
    """The text inside the heatmap cell that links to `cell` (tags removed)."""
    found = re.search(rf'href="{reverse("matrix_cell", args=[cell.pk])}">(.*?)</a>', page, re.S)
    assert found, f"no link to cell {cell.pk}"
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def deliver(module, chapter: int, countries: list[str], coordinator) -> object:
    """A two-day session of `module` (teaching `chapter`) that ended yesterday, every participant present each day."""
    from curriculum.attendance import attendance_record
    from curriculum.models import ApplicationStatus, SessionApplication
    from tests.factories.curriculum import TrainingSessionFactory
    from tests.factories.people import UserFactory

    module.chapters.set([ThematicChapter.objects.get(number=chapter)])
    module.save()  # a parental many-to-many is written when the page is saved
    end = datetime.date.today() - datetime.timedelta(days=1)
    session = TrainingSessionFactory(
        module=module, start_date=end - datetime.timedelta(days=1), end_date=end, application_deadline=end - datetime.timedelta(days=5)
    )
    applications = [
        SessionApplication.objects.create(
            session=session,
            trainee=UserFactory(),
            status=ApplicationStatus.APPROVED,
            motivation="-",
            country=Country.objects.get(iso_code=code),
        )
        for code in countries
    ]
    for day in session.days():
        attendance_record(session=session, day=day, present_ids={a.pk for a in applications}, recorded_by=coordinator)
    return session


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# --- who may see -----------------------------------------------------------------------------


def test_the_admin_urls_are_registered_under_matrix():
    assert reverse("matrix_heatmap") == "/admin/matrix/"
    assert reverse("matrix_cell", args=[7]) == "/admin/matrix/cells/7/"


def test_a_coordinator_sees_the_baseline_with_the_2021_values(client, coordinator, baseline):
    client.force_login(coordinator)

    response = client.get(reverse("matrix_heatmap"), **EN)

    assert response.status_code == 200
    page = response.content.decode()
    assert cell_html(page, cell_of(baseline, 1, "AZ")) == "4"
    assert cell_html(page, cell_of(baseline, 10, "MD")) == "NA"
    assert cell_html(page, cell_of(baseline, 10, "KZ")) == "—no answer"
    assert '<abbr title="Azerbaijan">AZ</abbr>' in page
    assert "Part 1:" in page and 'scope="rowgroup"' in page and "<caption" in page


def test_the_baseline_s_uncertain_cells_carry_a_footnote_marker(client, coordinator, baseline):
    client.force_login(coordinator)

    page = client.get(reverse("matrix_heatmap"), **EN).content.decode()

    assert cell_html(page, cell_of(baseline, 16, "AZ")) == "3* (uncertain reading)"
    assert cell_html(page, cell_of(baseline, 1, "AZ")) == "4"
    assert 'id="note-uncertain"' in page and "16:AZ" in page


def test_the_baseline_marks_uzbekistan_not_surveyed_rather_than_unanswered(client, coordinator, baseline):
    client.force_login(coordinator)

    page = client.get(reverse("matrix_heatmap"), **EN).content.decode()

    assert '<abbr title="Uzbekistan">UZ</abbr><span class="cell-marker" aria-hidden="true">°</span>' in page
    assert '<abbr title="Kazakhstan">KZ</abbr></th>' in page
    # one marked cell per chapter, in Uzbekistan's column only; Kazakhstan's blank stays "no answer"
    assert page.count('<span class="w-sr-only">not surveyed</span>') == 22
    assert cell_html(page, cell_of(baseline, 10, "KZ")) == "—no answer"
    assert re.search(r'id="note-not-surveyed">.*Not surveyed: Uzbekistan\.</p>', page, re.S)


def test_an_administrator_sees_the_heatmap(client, administrator, baseline):
    client.force_login(administrator)

    assert client.get(reverse("matrix_heatmap")).status_code == 200


@pytest.mark.parametrize("role", ["trainer", "trainee"])
def test_trainers_and_trainees_are_refused_every_matrix_page(client, request, baseline, role):
    client.force_login(request.getfixturevalue(role))
    cell = cell_of(baseline, 1, "AZ")

    for url in (
        reverse("matrix_heatmap"),
        reverse("matrix_summary"),
        reverse("matrix_delivery"),
        reverse("matrix_compare"),
        reverse("matrix_snapshots"),
        reverse("matrix_snapshot", args=[baseline.pk]),
        reverse("matrix_cell", args=[cell.pk]),
        reverse("matrix_heatmap") + "?format=csv",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        # a trainer has the admin, so Wagtail sends them to its dashboard; a trainee has no admin at all: the admin's
        # login address, which tells a signed-in account it has no access
        location = response["Location"]
        assert (location == "/admin/") if role == "trainer" else location.startswith("/admin/login/?next="), url
    response = client.post(reverse("matrix_cell", args=[cell.pk]), {"state": "na", "justification": "Because I can, really."})
    assert response.status_code == 302
    assert CellOverride.objects.count() == 0


def test_a_signed_out_visitor_is_sent_to_the_login_page(client, baseline):
    response = client.get(reverse("matrix_heatmap"))

    assert response.status_code == 302 and "login" in response["Location"]


# --- the heatmap -------------------------------------------------------------------------------


def test_the_heatmap_defaults_to_the_newest_finished_recompute(client, coordinator, baseline, grid_round):
    answer(grid_round, "KZ", {10: "2"})
    snapshot = recomputed()
    MatrixSnapshot.objects.create(kind="recompute", label="Still queued", rule=MatrixRule.MEAN)
    client.force_login(coordinator)

    response = client.get(reverse("matrix_heatmap"), **EN)

    assert response.context["snapshot"] == snapshot
    assert cell_html(response.content.decode(), cell_of(snapshot, 10, "KZ")) == "2"


def snapshot_with_cells(count: int, made_by) -> MatrixSnapshot:
    """A finished snapshot holding `count` cells (scores, NA and empty in turn), each score overridden once."""
    snapshot = MatrixSnapshot.objects.create(
        kind="recompute", label=f"{count} cells", rule=MatrixRule.MEDIAN, status=SnapshotStatus.DONE, parameters={"rounds": []}
    )
    places = [(chapter, country) for chapter in ThematicChapter.objects.all() for country in Country.objects.all()][:count]
    states = [CellState.SCORE, CellState.NOT_AVAILABLE, CellState.EMPTY]
    cells = MatrixCell.objects.bulk_create(
        MatrixCell(
            snapshot=snapshot,
            chapter=chapter,
            country=country,
            state=states[n % 3],
            value=Decimal(1 + n % 4) if n % 3 == 0 else None,
            answers=n,
        )
        for n, (chapter, country) in enumerate(places)
    )
    CellOverride.objects.bulk_create(
        CellOverride(
            cell=cell, state=cell.state, value=cell.value, justification="Checked again.", previous_state=cell.state, made_by=made_by
        )
        for cell in cells
        if cell.state == CellState.SCORE
    )
    return snapshot


def test_the_heatmap_issues_the_same_number_of_queries_for_5_and_200_cells(client, coordinator, django_assert_num_queries):
    small, large = snapshot_with_cells(5, coordinator), snapshot_with_cells(200, coordinator)
    client.force_login(coordinator)
    url = reverse("matrix_heatmap")
    client.get(url, {"snapshot": small.pk})  # warm the per-process caches (content types, site)
    with CaptureQueriesContext(connection) as small_queries:
        page = client.get(url, {"snapshot": small.pk}, **EN).content.decode()
    assert page.count('href="/admin/matrix/cells/') == 5

    with django_assert_num_queries(len(small_queries)):
        page = client.get(url, {"snapshot": large.pk}, **EN).content.decode()
    assert page.count('href="/admin/matrix/cells/') == 200
    assert page.count("(changed by a coordinator)") == 67


def test_the_heatmap_s_queries_do_not_grow_with_the_answers_behind_it(client, coordinator, grid_round, django_assert_num_queries):
    answer(grid_round, "AZ", {1: "4", 2: "3", 3: "2", 4: "1", 5: "4"})
    small = recomputed()
    client.force_login(coordinator)
    url = reverse("matrix_heatmap")
    client.get(url, {"snapshot": small.pk})
    with CaptureQueriesContext(connection) as small_queries:
        client.get(url, {"snapshot": small.pk})
    codes, categories = ["AZ", "GE", "MD", "KZ", "TR"], ["government", "cso", "media"]
    for n in range(13):  # 13 more responses of 15 chapters: 200 answers in all
        answer(grid_round, codes[n % 5], {chapter: str(1 + (n + chapter) % 4) for chapter in range(1, 16)}, category=categories[n % 3])
    large = recomputed()
    assert sum(c.answers + c.na_answers for c in large.cells.filter(category__isnull=True)) == 200

    with django_assert_num_queries(len(small_queries)):
        assert client.get(url, {"snapshot": large.pk}).status_code == 200


def test_the_category_filter_shows_that_category_s_cells(client, coordinator, grid_round):
    answer(grid_round, "GE", {5: "4"}, category="government")
    answer(grid_round, "GE", {5: "1"}, category="cso")
    snapshot = recomputed(MatrixRule.MEAN)
    cso = StakeholderCategory.objects.get(code="cso")
    client.force_login(coordinator)

    every = client.get(reverse("matrix_heatmap"), {"snapshot": snapshot.pk}, **EN).content.decode()
    only_cso = client.get(reverse("matrix_heatmap"), {"snapshot": snapshot.pk, "category": cso.pk}, **EN).content.decode()

    assert cell_html(every, cell_of(snapshot, 5, "GE")) == "2.5"
    assert cell_html(only_cso, cell_of(snapshot, 5, "GE", "cso")) == "1"
    assert reverse("matrix_cell", args=[cell_of(snapshot, 5, "GE").pk]) + '"' not in only_cso


def test_the_part_filter_keeps_the_chapters_of_that_part(client, coordinator, baseline):
    client.force_login(coordinator)

    page = client.get(reverse("matrix_heatmap"), {"part": 2}, **EN).content.decode()

    assert reverse("matrix_cell", args=[cell_of(baseline, 10, "AZ").pk]) + '"' in page
    assert reverse("matrix_cell", args=[cell_of(baseline, 1, "AZ").pk]) + '"' not in page


def test_the_remaining_need_toggle_shows_the_remaining_need(client, coordinator, grid_round):
    answer(grid_round, "AZ", {13: "4"})
    snapshot = recomputed()
    cell = cell_of(snapshot, 13, "AZ")
    MatrixCell.objects.filter(pk=cell.pk).update(remaining_need=Decimal("2.75"))
    client.force_login(coordinator)

    stated = client.get(reverse("matrix_heatmap"), {"snapshot": snapshot.pk}, **EN).content.decode()
    remaining = client.get(reverse("matrix_heatmap"), {"snapshot": snapshot.pk, "measure": "remaining"}, **EN).content.decode()

    assert cell_html(stated, cell) == "4"
    assert cell_html(remaining, cell) == "2.75"


def test_the_heatmap_says_how_the_snapshot_was_made(client, coordinator, grid_round):
    answer(grid_round, "AZ", {1: "4"})
    with_rounds = recomputed(MatrixRule.WEIGHTED, rounds=[grid_round[0].pk], weights={"government": 3, "cso": 1})
    client.force_login(coordinator)

    page = client.get(reverse("matrix_heatmap"), {"snapshot": with_rounds.pk}, **EN).content.decode()

    assert "Mean weighted by stakeholder category" in page
    assert str(grid_round[0]) in page
    assert "Priority answers (including “not applicable”): 1" in page
    assert "Remaining need: the stated priority" in page  # the translated explanation
    assert "Remaining need = P&#x27; x (1 - 0.5 x C)" in page  # the stored formula


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"snapshot": "abc"}, 400),
        ({"snapshot": "999999"}, 400),
        ({"part": "3"}, 400),
        ({"category": "x"}, 400),
        ({"category": "999999"}, 400),
        ({"measure": "loudest"}, 400),
        ({"format": "pdf"}, 400),
    ],
)
def test_a_bad_filter_gets_a_message_not_an_error(client, coordinator, baseline, query, status):
    client.force_login(coordinator)

    response = client.get(reverse("matrix_heatmap"), query, **EN)

    assert response.status_code == status
    assert 'role="alert"' in response.content.decode()


def test_a_snapshot_not_ready_cannot_be_shown(client, coordinator, baseline):
    queued = MatrixSnapshot.objects.create(kind="recompute", label="queued", rule=MatrixRule.MEDIAN)
    client.force_login(coordinator)

    response = client.get(reverse("matrix_heatmap"), {"snapshot": queued.pk}, **EN)

    assert response.status_code == 400
    page = response.content.decode()
    assert "is not ready" in page and reverse("matrix_snapshot", args=[queued.pk]) in page


def test_without_any_snapshot_the_page_offers_to_load_the_baseline(client, coordinator):
    client.force_login(coordinator)

    response = client.get(reverse("matrix_heatmap"), **EN)
    assert response.status_code == 200 and reverse("matrix_baseline") in response.content.decode()

    response = client.post(reverse("matrix_baseline"))
    assert response.status_code == 302
    assert MatrixSnapshot.objects.get().cells.count() == 22 * 13


def test_the_palette_steps_follow_the_rounded_value_and_keep_their_text_readable():
    assert [colour_step(Decimal(v)) for v in ("1", "1.49", "1.5", "2.5", "3.25", "3.5", "4", "0")] == [1, 1, 2, 3, 3, 4, 4, 1]

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    from django.template.loader import get_template

    css = get_template("assessments/admin/matrix/base.html").template.source
    for step in (1, 2, 3, 4):
        background, text = re.search(rf"\.cell-step-{step} {{ background: (#\w{{6}}); color: (#\w{{3,6}}); }}", css).groups()
        text = "#" + "".join(ch * 2 for ch in text[1:]) if len(text) == 4 else text
        light, dark = sorted([luminance(background), luminance(text)], reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 4.5, step


# --- the summary -------------------------------------------------------------------------------


def test_the_regional_summary_counts_answering_countries_their_mean_and_their_4s(client, coordinator, baseline):
    client.force_login(coordinator)

    response = client.get(reverse("matrix_summary"), **EN)

    assert response.status_code == 200
    first = response.context["summaries"][0]
    # chapter 1 in Table 7: AZ 4, BY 4, GE 4, IR 3, MD 4, TR 3; TM and UA NA
    assert (first.chapter.number, first.countries_answering, first.mean, first.fours, first.not_available) == (
        1,
        6,
        Decimal("3.67"),
        4,
        2,
    )
    eighteen = next(row for row in response.context["summaries"] if row.chapter.number == 18)
    assert eighteen.fours == 0


# --- the drill-down ----------------------------------------------------------------------------


def test_the_drill_down_shows_the_distribution_and_the_organisations(client, coordinator, grid_round):
    answer(grid_round, "AZ", {1: "4"}, organisation="Ministry of Labour")
    answer(grid_round, "AZ", {1: "3"}, organisation="State Migration Service")
    answer(grid_round, "AZ", {1: "na"}, category="cso", organisation="Migration Watch")
    cell = cell_of(recomputed(), 1, "AZ")
    client.force_login(coordinator)

    response = client.get(reverse("matrix_cell", args=[cell.pk]), **EN)

    assert response.status_code == 200
    rows = {row.category.code: row for row in response.context["distribution"]}
    assert rows["government"].columns == [0, 0, 1, 1, 0] and rows["cso"].columns == [0, 0, 0, 0, 1]
    page = response.content.decode()
    assert "Ministry of Labour" in page and "Migration Watch" in page
    assert "3.5" in page  # the median of 3 and 4


def test_the_drill_down_hides_the_small_groups_of_an_anonymous_questionnaire(client, coordinator, reference_data, days_pass):
    instrument = InstrumentFactory(purpose=Purpose.NEEDS_ASSESSMENT, is_anonymous=True, min_group_size=5)
    QuestionFactory(instrument=instrument, code="priorities", kind=QuestionKind.PRIORITY_GRID, required=False)
    survey_round = RoundFactory()
    for n in range(5):
        answer((survey_round, instrument), "GE", {2: str(1 + n % 4)}, category="government")
    for n in range(3):
        answer((survey_round, instrument), "GE", {2: "4" if n else "1"}, category="cso")
    days_pass((survey_round.deadline - timezone.localdate()).days + 1)  # the anonymous round counts once it has closed
    cell = cell_of(recomputed(), 2, "GE")
    client.force_login(coordinator)

    response = client.get(reverse("matrix_cell", args=[cell.pk]), **EN)

    rows = {row.category.code: row for row in response.context["distribution"]}
    assert rows["government"].columns == [2, 1, 1, 1, 0] and not rows["government"].hidden
    assert rows["cso"].hidden and rows["cso"].counts == {}
    page = response.content.decode()
    assert "Fewer than 5 answers: hidden" in page
    assert "with a score" not in page  # the cell's totals would give the hidden group away
    assert response.context["organisations"] == []

    download = client.get(reverse("matrix_cell", args=[cell.pk]), {"format": "csv", "table": "distribution"}, **EN)
    lines = read_csv(download)
    cso_line = next(line for line in lines if line[1] == "Civil-society organisation")
    assert cso_line[2:8] == ["", "", "", "", "", ""] and cso_line[-1] == "Fewer than 5 answers: hidden"


def test_the_drill_down_lists_the_sessions_delivered_to_the_country(client, coordinator, grid_round, module):
    session = deliver(module, 13, ["AZ", "AZ", "GE"], coordinator)
    answer(grid_round, "AZ", {13: "4"})
    cell = cell_of(recomputed(), 13, "AZ")
    client.force_login(coordinator)

    response = client.get(reverse("matrix_cell", args=[cell.pk]), **EN)

    [shown] = response.context["sessions"]
    assert (shown.pk, shown.participants, shown.participant_days) == (session.pk, 2, 4)
    assert "Labour migration governance" in response.content.decode()


def test_an_override_without_a_justification_is_refused_with_a_400(client, coordinator, baseline):
    cell = cell_of(baseline, 1, "AZ")
    client.force_login(coordinator)

    response = client.post(reverse("matrix_cell", args=[cell.pk]), {"state": "score", "value": "2", "justification": ""}, **EN)

    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert CellOverride.objects.count() == 0
    cell.refresh_from_db()
    assert cell.value == Decimal(4)


def test_a_score_override_needs_a_value_between_1_and_4(client, coordinator, baseline):
    cell = cell_of(baseline, 1, "AZ")
    client.force_login(coordinator)

    for value in ("", "5"):
        response = client.post(
            reverse("matrix_cell", args=[cell.pk]), {"state": "score", "value": value, "justification": "The ministry corrected it."}
        )
        assert response.status_code == 400
    assert CellOverride.objects.count() == 0


def test_an_override_with_a_justification_is_saved_and_listed(client, coordinator, baseline):
    cell = cell_of(baseline, 10, "MD")
    client.force_login(coordinator)

    response = client.post(
        reverse("matrix_cell", args=[cell.pk]),
        {"state": "score", "value": "2.5", "justification": "The ministry sent its answer late."},
        follow=True,
        **EN,
    )

    assert response.status_code == 200
    override = CellOverride.objects.get()
    assert (override.previous_state, override.state, override.value, override.made_by) == ("na", "score", Decimal("2.5"), coordinator)
    page = response.content.decode()
    assert "The ministry sent its answer late." in page and "NA <small>" in page and "2.5 <small>" in page
    heatmap = client.get(reverse("matrix_heatmap"), **EN).content.decode()
    assert cell_html(heatmap, cell) == "2.5† (changed by a coordinator)"


def test_an_unknown_cell_or_snapshot_page_is_a_404_with_a_message(rf, coordinator):
    from assessments import matrix_views

    request = rf.get("/admin/matrix/cells/999999/")
    request.user = coordinator

    with translation.override("en"):
        cell = matrix_views.cell_detail(request, cell_id=999999).render()
        snapshot = matrix_views.snapshot_status(request, snapshot_id=999999).render()

    assert cell.status_code == 404 and "There is no cell number 999999." in cell.content.decode()
    assert snapshot.status_code == 404 and "There is no snapshot number 999999." in snapshot.content.decode()


# --- recompute and its progress ---------------------------------------------------------------


def test_a_recompute_request_makes_a_snapshot_whose_status_page_shows_it(
    client, coordinator, grid_round, django_capture_on_commit_callbacks
):
    answer(grid_round, "AZ", {1: "4"})
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("matrix_recompute"), {"rule": "mean", "rounds": [grid_round[0].pk]})

    assert len(callbacks) == 1
    snapshot = MatrixSnapshot.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("matrix_snapshot", args=[snapshot.pk])
    assert (snapshot.status, snapshot.rule, snapshot.parameters["rounds"], snapshot.created_by) == (
        SnapshotStatus.DONE,
        "mean",
        [grid_round[0].pk],
        coordinator,
    )
    page = client.get(response["Location"], **EN).content.decode()
    assert "The snapshot is ready." in page and f"?snapshot={snapshot.pk}" in page
    assert 'http-equiv="refresh"' not in page


def test_a_queued_snapshot_s_page_refreshes_itself_and_shows_its_progress(client, coordinator, reference_data):
    snapshot = MatrixSnapshot.objects.create(
        kind="recompute", label="queued", rule=MatrixRule.MEDIAN, status=SnapshotStatus.RUNNING, progress=40
    )
    client.force_login(coordinator)

    page = client.get(reverse("matrix_snapshot", args=[snapshot.pk]), **EN).content.decode()

    assert '<meta http-equiv="refresh" content="2">' in page
    assert '<progress id="snapshot-progress" max="100" value="40">' in page and "40% done." in page


def test_a_weighted_recompute_keeps_its_weights(client, coordinator, reference_data, django_capture_on_commit_callbacks):
    weights = {category.code: "1" for category in StakeholderCategory.objects.all()} | {"government": "3", "media": "0,5"}
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("matrix_recompute"), {"rule": "weighted", **{f"weight_{code}": w for code, w in weights.items()}})

    assert response.status_code == 302
    stored = MatrixSnapshot.objects.get().parameters["weights"]
    assert (stored["government"], stored["cso"], stored["media"]) == (3, 1, 0.5)


def test_a_weighted_recompute_needs_every_weight(client, coordinator, reference_data):
    client.force_login(coordinator)

    response = client.post(reverse("matrix_recompute"), {"rule": "weighted", "weight_government": "3"}, **EN)

    assert response.status_code == 400
    assert MatrixSnapshot.objects.count() == 0
    assert "Give every category a weight" in response.content.decode()


def test_an_unknown_rule_is_refused_with_a_400(client, coordinator, reference_data):
    client.force_login(coordinator)

    response = client.post(reverse("matrix_recompute"), {"rule": "loudest"}, **EN)

    assert response.status_code == 400
    assert MatrixSnapshot.objects.count() == 0
    assert "Select a valid choice" in response.content.decode()


# --- priority versus delivery ------------------------------------------------------------------


def test_the_delivery_page_flags_high_need_without_delivery_and_delivery_against_low_need(client, coordinator, grid_round, module):
    deliver(module, 13, ["MD"], coordinator)
    answer(grid_round, "AZ", {1: "4"})
    answer(grid_round, "MD", {13: "1"})
    answer(grid_round, "GE", {2: "2"})  # neither high nor delivered
    snapshot = recomputed()
    client.force_login(coordinator)

    response = client.get(reverse("matrix_delivery"), {"snapshot": snapshot.pk}, **EN)

    assert response.status_code == 200
    flagged = {(row["flag"].cell.chapter.number, row["flag"].cell.country.iso_code): str(row["label"]) for row in response.context["rows"]}
    assert flagged == {(1, "AZ"): "High need, nothing delivered", (13, "MD"): "Delivery against low need"}
    page = response.content.decode()
    assert "High need, nothing delivered" in page and "Delivery against low need" in page

    download = read_csv(client.get(reverse("matrix_delivery"), {"snapshot": snapshot.pk, "format": "csv"}, **EN))
    assert download[0][0] == "Flag" and len(download) == 3
    assert download[2][:4] == ["Delivery against low need", "13", "Labour migration and mobility", "MD"]


def test_the_baseline_s_delivery_flags_count_today_s_sessions(client, coordinator, baseline, module):
    deliver(module, 18, ["MD", "AZ"], coordinator)  # Table 7, chapter 18: MD 1, AZ 3
    client.force_login(coordinator)

    response = client.get(reverse("matrix_delivery"), {"snapshot": baseline.pk}, **EN)

    flagged = {(row["flag"].cell.chapter.number, row["flag"].cell.country.iso_code): row["flag"] for row in response.context["rows"]}
    assert flagged[(18, "MD")].kind == "delivery_against_low_need" and flagged[(18, "MD")].participant_days == 2
    assert (18, "AZ") not in flagged  # remaining need 3, but delivered
    assert flagged[(1, "AZ")].kind == "high_need_nothing_delivered"
    assert "counted from today's records" in response.content.decode()


# --- comparing two snapshots -------------------------------------------------------------------


def test_the_comparison_lists_a_rise_a_fall_and_a_change_of_state(client, coordinator, baseline, grid_round):
    answer(grid_round, "IR", {4: "4"})  # 2 in the baseline
    answer(grid_round, "AZ", {1: "2"})  # 4 in the baseline
    answer(grid_round, "KZ", {3: "na"})  # empty in the baseline
    snapshot = recomputed()
    client.force_login(coordinator)

    response = client.get(reverse("matrix_compare"), {"a": baseline.pk, "b": snapshot.pk}, **EN)

    assert response.status_code == 200
    comparison = response.context["comparison"]
    assert [(c.chapter.number, c.country.iso_code, c.difference) for c in comparison.rose] == [(4, "IR", Decimal(2))]
    assert (comparison.fell[0].chapter.number, comparison.fell[0].country.iso_code, comparison.fell[0].difference) == (1, "AZ", Decimal(-2))
    assert any((c.chapter.number, c.country.iso_code, c.after.state) == (3, "KZ", "na") for c in comparison.state_changes)
    assert "+2" in response.content.decode()


def test_the_comparison_sorts_by_the_size_of_the_change(client, coordinator, grid_round):
    for ratings in ({1: "1", 2: "2", 3: "3"}, {1: "1", 2: "2", 3: "3"}, {1: "4", 2: "4", 3: "3"}):
        answer(grid_round, "AZ", ratings)
    medians, maxima = recomputed(MatrixRule.MEDIAN), recomputed(MatrixRule.MAXIMUM)
    client.force_login(coordinator)

    response = client.get(reverse("matrix_compare"), {"a": medians.pk, "b": maxima.pk}, **EN)

    # chapter 1: median 1, highest 4; chapter 2: 2 and 4; chapter 3: 3 and 3
    comparison = response.context["comparison"]
    assert [(c.chapter.number, c.difference) for c in comparison.rose] == [(1, Decimal(3)), (2, Decimal(2))]
    assert comparison.fell == [] and comparison.state_changes == []


def test_the_comparison_needs_both_snapshots(client, coordinator, baseline):
    client.force_login(coordinator)

    assert client.get(reverse("matrix_compare"), **EN).status_code == 200
    assert client.get(reverse("matrix_compare"), {"a": baseline.pk}, **EN).status_code == 400
    assert client.get(reverse("matrix_compare"), {"a": baseline.pk, "b": "x"}, **EN).status_code == 400
    assert client.get(reverse("matrix_compare"), {"a": baseline.pk, "b": 999999}, **EN).status_code == 400


# --- downloads ---------------------------------------------------------------------------------


def test_the_csv_of_the_heatmap_keeps_na_and_empty_apart(client, coordinator, baseline):
    client.force_login(coordinator)

    response = client.get(reverse("matrix_heatmap"), {"format": "csv"}, **EN)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv") and "attachment" in response["Content-Disposition"]
    rows = read_csv(response)
    header = rows[0]
    assert header[:3] == ["No.", "Chapter", "Part"] and header[3] == "AZ · Azerbaijan"
    tenth = rows[10]
    assert tenth[0] == "10"
    assert tenth[header.index("MD · Moldova")] == "NA"
    assert tenth[header.index("KZ · Kazakhstan")] == ""
    assert tenth[header.index("AZ · Azerbaijan")] == "4"
    assert rows[16][header.index("Uncertain readings")] == "AZ, BY, GE, IR, MD, TR"
    assert "UZ · Uzbekistan (not surveyed)" in header
    assert {row[header.index("Changed by a coordinator")] for row in rows[1:]} == {""}


def test_the_heatmap_files_name_the_cells_a_coordinator_changed(client, coordinator, baseline):
    from assessments import matrix

    for code, value in (("KZ", 3), ("MD", 2)):
        matrix.cell_override(
            cell=cell_of(baseline, 10, code),
            state=CellState.SCORE,
            value=Decimal(value),
            justification="Ministry letter of May 2026.",
            made_by=coordinator,
        )
    client.force_login(coordinator)

    rows = read_csv(client.get(reverse("matrix_heatmap"), {"format": "csv"}, **EN))

    changed = rows[0].index("Changed by a coordinator")
    assert rows[10][changed] == "KZ, MD"
    assert rows[10][rows[0].index("KZ · Kazakhstan")] == "3"
    assert [row[changed] for row in rows[1:] if row[0] != "10"] == [""] * 21


def test_the_xlsx_of_the_heatmap_keeps_na_and_empty_apart(client, coordinator, baseline):
    from openpyxl import load_workbook

    client.force_login(coordinator)

    response = client.get(reverse("matrix_heatmap"), {"format": "xlsx"}, **EN)

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert rows[10][header.index("MD · Moldova")] == "NA"
    assert rows[10][header.index("KZ · Kazakhstan")] is None
    assert rows[1][header.index("AZ · Azerbaijan")] == 4


def test_the_summary_and_the_comparison_download_as_csv(client, coordinator, baseline, grid_round):
    answer(grid_round, "IR", {4: "4"})
    snapshot = recomputed()
    client.force_login(coordinator)

    summary = read_csv(client.get(reverse("matrix_summary"), {"snapshot": baseline.pk, "format": "csv"}, **EN))
    comparison = read_csv(client.get(reverse("matrix_compare"), {"a": baseline.pk, "b": snapshot.pk, "format": "csv"}, **EN))

    assert summary[1][:6] == ["1", "Global context of international migration", "1", "6", "3.67", "4"]
    assert comparison[0][0] == "Change"
    rise = next(line for line in comparison if line[0] == "Rose")
    assert rise[1:4] == ["4", "Human rights of migrants", "IR"] and rise[5:] == ["2", "4", "2"]
    assert any(line[0] == "State changed" and line[5] == "NA" and line[6] == "" for line in comparison)


def test_a_cell_hides_evaluation_means_of_fewer_than_five_participants(client, coordinator, reference_data):
    from decimal import Decimal

    from assessments import matrix as matrix_service
    from assessments.models import MatrixCell

    baseline = matrix_service.baseline_load()
    few = baseline.cells.get(chapter__number=1, country__iso_code="GE")
    MatrixCell.objects.filter(pk=few.pk).update(
        further_training=Decimal("3.00"), further_training_answers=1, relevance=Decimal("5.00"), participants=1
    )
    many = baseline.cells.get(chapter__number=1, country__iso_code="AZ")
    MatrixCell.objects.filter(pk=many.pk).update(
        further_training=Decimal("3.25"), further_training_answers=6, relevance=Decimal("4.50"), participants=6
    )
    client.force_login(coordinator)

    hidden = client.get(reverse("matrix_cell", args=[few.pk])).context
    shown = client.get(reverse("matrix_cell", args=[many.pk])).context

    assert (hidden["further_training"], hidden["relevance"]) == (None, None)
    assert shown["further_training"] is not None and shown["relevance"] is not None
