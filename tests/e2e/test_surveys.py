"""Surveys in a real browser: an organisation answers a needs assessment through its personal link (on a phone, in
Russian), bad input is refused next to the question, a trainee evaluates a session, a coordinator reads and exports results."""

from __future__ import annotations

import csv
import datetime
import io
import re
from pathlib import Path

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from assessments import builtin
from assessments import services as survey_services
from assessments.models import Answer, Instrument, Purpose, Question, Respondent, Response
from curriculum.models import ApplicationStatus, SessionApplication, ThematicChapter, ThematicPart, TrainingSession
from people.models import Country, Organisation, StakeholderCategory
from tests.e2e.conftest import PHONE
from tests.e2e.test_curriculum import sign_in_to_the_admin
from tests.e2e.test_sessions import sign_in
from tests.factories.assessments import RespondentFactory, RoundFactory, sample_instrument
from tests.factories.curriculum import CurriculumIndexPageFactory, CurriculumPartPageFactory, ModulePageFactory, TrainingSessionFactory
from tests.factories.people import UserFactory

pytestmark = pytest.mark.e2e

TIMEOUT = 15_000


def _question(instrument: Instrument, code: str) -> Question:
    return instrument.questions.get(code=code)


def _block(page: Page, question: Question):
    """The block of one question on the answering page (its fieldset or field, with its error)."""
    return page.locator(f"div.survey-question[id='{question.field_name}']")


def _choose(page: Page, question: Question, *values: str, language: str) -> None:
    """Tick the options of a question by their label in `language`, as a person reading the page would."""
    block = _block(page, question)
    for value in values:
        option = question.options.get(value=value)
        label = getattr(option, f"label_{language}")
        if option.score and question.kind == "likert":
            label = f"{option.score} — {label}"
        block.get_by_label(label, exact=True).check()


def _grid_select(page: Page, question: Question, chapter: int):
    return page.locator(f"select#{question.field_name}-c{chapter}")


def _sessions_module():
    part = CurriculumPartPageFactory(parent=CurriculumIndexPageFactory(), part=ThematicPart.objects.get(number=2))
    return ModulePageFactory(parent=part, code="M13", title="Əmək miqrasiyasının idarə olunması")


def _ended_session():
    today = timezone.localdate()
    return TrainingSessionFactory(
        module=_sessions_module(),
        start_date=today - datetime.timedelta(days=2),
        end_date=today,
        application_deadline=today - datetime.timedelta(days=7),
    )


# --- 1. A needs assessment through a personal link, in Russian, on a phone ---------------------


def test_an_organisation_answers_the_cso_questionnaire_through_its_link_in_russian_on_a_phone(demo_site, new_page):
    builtin.load()
    instrument = Instrument.objects.get(code="na-cso", version=builtin.BUILTIN_VERSION)
    survey_round = RoundFactory()
    survey_round.instruments.add(instrument)
    russia = Country.objects.get(iso_code="RU")
    survey_round.countries.add(russia)
    respondent = RespondentFactory(
        instrument=instrument,
        round=survey_round,
        organisation_name="Центр помощи мигрантам",
        country=russia,
        category=StakeholderCategory.objects.get(code="cso"),
        language="ru",
    )
    link = f"/ru/surveys/link/{respondent.token}/"
    kind = _question(instrument, "organisation_type")
    groups = _question(instrument, "target_groups")
    grid = _question(instrument, builtin.PRIORITY_QUESTION_CODE)
    chapters = list(ThematicChapter.objects.order_by("number").values_list("number", flat=True))
    assert len(chapters) == 22

    phone = new_page(viewport=PHONE, locale="ru-RU")
    phone.set_default_timeout(TIMEOUT)
    opened = phone.goto(link)
    assert opened.status == 200
    expect(phone.locator("html")).to_have_attribute("lang", re.compile(r"^ru"))
    expect(phone.get_by_role("heading", level=1)).to_have_text(instrument.title_ru)
    expect(phone.get_by_text(kind.text_ru)).to_be_visible()

    # a few answers: a radio, two checkboxes, three chapters of the grid (one not applicable)
    _choose(phone, kind, "legal_clinic", language="ru")
    _choose(phone, groups, "labour_migrants", "women", language="ru")
    _grid_select(phone, grid, 1).select_option("4")
    _grid_select(phone, grid, 2).select_option("2")
    with translation.override("ru"):
        _grid_select(phone, grid, 3).select_option(label=translation.gettext("Not applicable"))
    save = phone.locator("button[name=action][value=save]")
    save_label = save.inner_text().strip()
    with translation.override("ru"):
        assert save_label == translation.gettext("Save and continue later")
        saved_message = translation.gettext("Your answers are saved. You can come back to this page to go on.")
    phone.get_by_role("button", name=save_label, exact=True).click()
    expect(phone.get_by_role("status").filter(has_text=saved_message)).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    respondent.refresh_from_db()
    assert respondent.draft_saved_at is not None and respondent.submitted_at is None
    assert Response.objects.count() == 0
    phone.close()

    # the link opened again later, in a new page: the saved answers are there
    resumed = new_page(viewport=PHONE, locale="ru-RU")
    resumed.set_default_timeout(TIMEOUT)
    resumed.goto(link)
    expect(_block(resumed, kind).get_by_label(kind.options.get(value="legal_clinic").label_ru, exact=True)).to_be_checked()
    expect(_block(resumed, groups).get_by_label(groups.options.get(value="labour_migrants").label_ru, exact=True)).to_be_checked()
    expect(_block(resumed, groups).get_by_label(groups.options.get(value="women").label_ru, exact=True)).to_be_checked()
    expect(_block(resumed, groups).get_by_label(groups.options.get(value="refugees").label_ru, exact=True)).not_to_be_checked()
    expect(_grid_select(resumed, grid, 1)).to_have_value("4")
    expect(_grid_select(resumed, grid, 2)).to_have_value("2")
    expect(_grid_select(resumed, grid, 3)).to_have_value("na")
    expect(_grid_select(resumed, grid, 4)).to_have_value("")

    # everything else required, but one question left unanswered
    _choose(resumed, _question(instrument, "government_cooperation"), "occasional", language="ru")
    _choose(resumed, _question(instrument, "policy_participation"), "once", language="ru")
    _choose(resumed, _question(instrument, "participation_channels"), "consultations", language="ru")
    _choose(resumed, _question(instrument, "services"), "legal", "information", language="ru")
    _choose(resumed, _question(instrument, "funding_sources"), "international_donors", language="ru")
    _choose(resumed, _question(instrument, "covid_impact"), "strong", language="ru")
    for number in chapters[3:]:
        _grid_select(resumed, grid, number).select_option("3")
    missing = _question(instrument, "iom_cooperation")
    submit = resumed.locator("button[name=action][value=submit]")
    submit_label = submit.inner_text().strip()
    with translation.override("ru"):
        assert submit_label == translation.gettext("Submit my answers")
    with resumed.expect_response(lambda response: response.request.method == "POST") as posted:
        resumed.get_by_role("button", name=submit_label, exact=True).click()
    assert posted.value.status == 400
    summary = resumed.get_by_role("alert")
    expect(summary).to_be_visible()
    error_link = summary.locator(f"a[href='#{missing.field_name}']")
    expect(error_link).to_have_count(1)
    expect(summary.get_by_role("link")).to_have_count(1)
    with translation.override("ru"):
        expect(_block(resumed, missing).locator(f"#{missing.field_name}-error")).to_have_text(
            translation.gettext("Please answer this question.")
        )
    assert Response.objects.count() == 0
    # the answers typed before the refusal are still on the page
    expect(_grid_select(resumed, grid, 22)).to_have_value("3")
    expect(_grid_select(resumed, grid, 3)).to_have_value("na")

    # following the summary's link leads to the question; it is answered and the form sent
    error_link.click()
    resumed.wait_for_url(re.compile(f"#{missing.field_name}$"))
    _choose(resumed, missing, "occasionally", language="ru")
    resumed.get_by_role("button", name=submit_label, exact=True).click()
    # the form posts to the page's own address, so the browser keeps the fragment of the summary's link through the redirect
    resumed.wait_for_url(re.compile(r"/ru/surveys/thanks/(#.*)?$"))
    with translation.override("ru"):
        expect(resumed.get_by_role("heading", level=1)).to_have_text(translation.gettext("Thank you"))

    response = Response.objects.get()
    assert response.respondent_id == respondent.pk and response.round_id == survey_round.pk
    assert response.country == russia and response.category.code == "cso" and response.language == "ru"
    grid_answers = Answer.objects.filter(response=response, question=grid)
    assert grid_answers.count() == 22
    assert list(grid_answers.filter(not_applicable=True).values_list("chapter__number", "score")) == [(3, None)]
    assert dict(grid_answers.filter(not_applicable=False).values_list("chapter__number", "score"))[1] == 4
    assert set(Answer.objects.filter(response=response, question=groups).values_list("option__value", flat=True)) == {
        "labour_migrants",
        "women",
    }

    # the link is used: opening it again says so
    again = resumed.goto(link)
    assert again.status == 409
    with translation.override("ru"):
        expect(resumed.get_by_role("status")).to_have_text(
            translation.gettext("This survey has already been answered through this link. Thank you.")
        )
    assert Response.objects.count() == 1


# --- 2. Bad input is refused next to its question -----------------------------------------


def test_letters_in_a_number_question_are_refused_next_to_the_question_and_nothing_is_stored(demo_site, new_page):
    instrument = sample_instrument(required=False)
    respondent = RespondentFactory(instrument=instrument, language="en")
    respondent.round.instruments.add(instrument)
    number = _question(instrument, "number")

    page = new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(f"/en/surveys/link/{respondent.token}/")
    field = page.get_by_label(re.compile(re.escape(number.text_en)))
    expect(field).to_have_attribute("id", f"{number.field_name}-input")
    field.fill("twelve")
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.locator("button[name=action][value=submit]").click()
    assert posted.value.status == 400

    with translation.override("en"):
        message = translation.gettext("Enter a number.")
    field = page.locator(f"#{number.field_name}-input")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_value("twelve")
    error = page.locator(f"#{number.field_name}-error")
    expect(error).to_have_text(message)
    expect(field).to_have_attribute("aria-describedby", re.compile(rf"\b{number.field_name}-error\b"))
    expect(page.get_by_role("alert").locator(f"a[href='#{number.field_name}']")).to_have_count(1)
    # the other questions are not marked
    expect(page.locator("[aria-invalid=true]")).to_have_count(1)

    assert Response.objects.count() == 0
    respondent.refresh_from_db()
    assert respondent.submitted_at is None and respondent.draft == {}


# --- 3. A trainee evaluates a session that ended today ------------------------------------


def test_a_trainee_finds_the_evaluation_on_my_learning_and_answers_it_anonymously(demo_site, new_page):
    builtin.load()
    evaluation = Instrument.objects.get(code="session-evaluation", version=builtin.BUILTIN_VERSION)
    assert evaluation.is_default and evaluation.status == "published" and evaluation.is_anonymous
    session = _ended_session()
    ministry = Organisation.objects.create(
        name="Dövlət Miqrasiya Xidməti",
        country=Country.objects.get(iso_code="AZ"),
        category=StakeholderCategory.objects.get(code="government"),
    )
    trainee = UserFactory(
        role="trainee", email="leyla@example.org", first_name="Leyla", last_name="Həsənova", organisation=ministry, preferred_language="az"
    )
    SessionApplication.objects.create(session=session, trainee=trainee, status=ApplicationStatus.APPROVED, motivation="Əmək miqrasiyası.")

    page = new_page(locale="az-AZ")
    page.set_default_timeout(TIMEOUT)
    sign_in(page, trainee.email, "az")
    page.goto("/az/learning/")
    evaluations = page.locator("section[aria-labelledby=evaluations-title]")
    with translation.override("az"):
        link_name = f"{Purpose.SESSION_EVALUATION.label}: {evaluation.title_az}"
    link = evaluations.get_by_role("link", name=link_name)
    expect(link).to_have_count(1)
    link.click()
    page.wait_for_url(f"**/az/surveys/sessions/{session.pk}/session_evaluation/")
    expect(page.get_by_role("heading", level=1)).to_have_text(evaluation.title_az)

    answers = {"relevance": "largely", "content": "good", "methods": "excellent", "trainers": "excellent", "organisation": "fair"}
    answers["overall"] = "good"
    for code, value in answers.items():
        _choose(page, _question(evaluation, code), value, language="az")
    with translation.override("az"):
        page.get_by_role("button", name=translation.gettext("Submit my answers"), exact=True).click()
        page.wait_for_url("**/az/surveys/thanks/")
        expect(page.get_by_role("heading", level=1)).to_have_text(translation.gettext("Thank you"))
        page.get_by_role("link", name=translation.gettext("Back to My learning")).click()
        page.wait_for_url("**/az/learning/")
        expect(evaluations.get_by_role("link")).to_have_count(0)
        expect(evaluations).to_contain_text(
            translation.gettext("No evaluation is waiting for you. After a session, its evaluation questionnaire appears here.")
        )

    response = Response.objects.get()
    assert response.instrument == evaluation and response.session == session
    assert response.respondent is None  # anonymous: no link to the person
    assert response.language == "az"
    scores = dict(Answer.objects.filter(response=response).values_list("question__code", "score"))
    assert scores == {"relevance": 4, "content": 4, "methods": 5, "trainers": 5, "organisation": 3, "overall": 4}
    marker = Respondent.objects.get(user=trainee, instrument=evaluation, session=session)
    assert marker.submitted_at is not None and marker.draft == {}


# --- 4. A coordinator reads and exports the results ---------------------------------------


def test_a_coordinator_reads_the_evaluation_results_sees_a_small_group_hidden_and_exports_csv(demo_site, new_page):
    builtin.load()
    evaluation = Instrument.objects.get(code="session-evaluation", version=builtin.BUILTIN_VERSION)
    session = _ended_session()
    overall = _question(evaluation, "overall")
    azerbaijan, georgia = Country.objects.get(iso_code="AZ"), Country.objects.get(iso_code="GE")
    # six answers: four from Azerbaijan, two from Georgia (a group below the anonymity minimum of 5)
    given = [(azerbaijan, "excellent"), (azerbaijan, "excellent"), (azerbaijan, "good"), (azerbaijan, "fair"), (georgia, "excellent")]
    given.append((georgia, "good"))
    for country, value in given:
        respondent = Respondent.objects.create(instrument=evaluation, session=session, country=country, language="az")
        data = {_question(evaluation, code).field_name: ["good"] for code in ("content", "methods", "trainers", "organisation")}
        data[_question(evaluation, "relevance").field_name] = ["largely"]
        data[overall.field_name] = [value]
        survey_services.response_submit(respondent=respondent, data=data, language="az")
    assert Response.objects.filter(instrument=evaluation).count() == 6
    # anonymous results appear once the evaluation has closed (30 days after the session's last day)
    today = timezone.localdate()
    TrainingSession.objects.filter(pk=session.pk).update(
        application_deadline=today - datetime.timedelta(days=49),
        start_date=today - datetime.timedelta(days=42),
        end_date=today - datetime.timedelta(days=40),
    )
    coordinator_user = UserFactory(role="coordinator", email="coordinator@example.org", preferred_language="en")

    page = new_page()
    page.set_default_timeout(TIMEOUT)
    sign_in_to_the_admin(page, coordinator_user.email)
    page.get_by_role("button", name="Surveys").click()
    page.get_by_role("link", name="Results", exact=True).click()
    page.wait_for_url("**/admin/surveys/results/")
    row = page.get_by_role("row").filter(has_text=evaluation.title_en)
    expect(row.locator("td").last).to_have_text("6")
    row.get_by_role("link", name=evaluation.title_en).click()
    page.wait_for_url(f"**/admin/surveys/results/{evaluation.pk}/")
    expect(page.get_by_role("heading", name="6 responses")).to_be_visible()

    summary = page.locator(f"section[aria-labelledby='question-{overall.pk}']")
    expect(summary.get_by_role("heading")).to_contain_text(overall.text_en)
    expect(summary.get_by_role("row").filter(has_text="Excellent")).to_contain_text(re.compile(r"Excellent\s+3\s+50\.0%"))
    expect(summary.get_by_role("row").filter(has_text="Good")).to_contain_text(re.compile(r"Good\s+2\s+33\.3%"))
    expect(summary.get_by_role("row").filter(has_text="Fair")).to_contain_text(re.compile(r"Fair\s+1\s+16\.7%"))
    expect(summary.get_by_role("row").filter(has_text="Very poor")).to_contain_text(re.compile(r"Very poor\s+0\s+0\.0%"))
    # (3·5 + 2·4 + 1·3) / 6 = 4.33; median of 3, 4, 4, 5, 5, 5 = 4.5
    expect(summary).to_contain_text(re.compile(r"Mean:\s*4\.33\s*·\s*Median:\s*4\.5"))

    # only two answered from Georgia: the country filter is not offered, and forcing it shows nothing
    expect(page.locator("#withheld-filters")).to_contain_text("Country")
    expect(page.get_by_label("Country", exact=True)).to_have_count(0)
    page.goto(f"/admin/surveys/results/{evaluation.pk}/?country={georgia.pk}")
    expect(page.get_by_role("status").filter(has_text="this filter would identify people")).to_be_visible()
    expect(page.locator(f"section[aria-labelledby='question-{overall.pk}']")).to_have_count(0)
    expect(page.get_by_role("button", name="Export as CSV")).to_have_count(0)

    # every response, exported as CSV with English headings
    page.get_by_role("link", name="Clear the filters").click()
    page.wait_for_url(f"**/admin/surveys/results/{evaluation.pk}/")
    page.get_by_label("Language of the column headings").select_option("en")
    page.get_by_role("button", name="Export as CSV").click()
    page.wait_for_url(re.compile(r"/admin/surveys/exports/\d+/$"))
    download_link = page.get_by_role("link", name="Download the CSV file")
    expect(download_link).to_be_visible(timeout=TIMEOUT)
    with page.expect_download() as download:
        download_link.click()
    assert download.value.suggested_filename.endswith(".csv")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    assert len(rows) == 7
    for code in ("relevance", "content", "methods", "trainers", "organisation", "overall"):
        assert f"{code} · {_question(evaluation, code).text_en}" in header
    assert "Organisation" not in header  # anonymous: no organisation column
    column = header.index(f"overall · {overall.text_en}")
    assert sorted(row[column] for row in rows[1:]) == ["3", "4", "4", "5", "5", "5"]
