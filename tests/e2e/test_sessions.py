"""Issue 5 in a real browser: a trainee applies, a coordinator approves, the trainer takes attendance on a phone."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.utils import translation
from playwright.sync_api import expect

from curriculum.models import ApplicationStatus, Attendance, SessionApplication, ThematicPart, TrainingSession
from people.models import Country, Organisation, StakeholderCategory
from tests.conftest import PASSWORD
from tests.e2e.conftest import PHONE
from tests.e2e.test_curriculum import sign_in_to_the_admin
from tests.factories.curriculum import CurriculumIndexPageFactory, CurriculumPartPageFactory, ModulePageFactory, TrainingSessionFactory
from tests.factories.people import UserFactory

pytestmark = pytest.mark.e2e

TIMEOUT = 15_000


def sign_in(page, email: str, language: str = "en") -> None:
    page.goto(f"/{language}/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/{language}/")


def test_a_trainee_applies_a_coordinator_approves_and_the_trainer_takes_attendance(demo_site, new_page):
    part = CurriculumPartPageFactory(parent=CurriculumIndexPageFactory(), part=ThematicPart.objects.get(number=2))
    module = ModulePageFactory(parent=part, code="M13", title="Əmək miqrasiyasının idarə olunması")
    session = TrainingSessionFactory(module=module, capacity=1)
    trainer = UserFactory(role="trainer", email="session.trainer@example.org")
    session.trainers.add(trainer)
    UserFactory(role="coordinator", email="coordinator@example.org", preferred_language="en")
    ministry = Organisation.objects.create(
        name="Dövlət Miqrasiya Xidməti",
        country=Country.objects.get(iso_code="AZ"),
        category=StakeholderCategory.objects.get(code="government"),
    )
    trainee = UserFactory(role="trainee", email="leyla@example.org", first_name="Leyla", last_name="Həsənova", organisation=ministry)

    # the trainee finds the session on the module page and applies, in Azerbaijani
    applicant = new_page()
    applicant.set_default_timeout(TIMEOUT)
    sign_in(applicant, trainee.email, "az")
    applicant.goto(module.url)
    applicant.locator("section[aria-labelledby=sessions-title] a").first.click()
    with translation.override("az"):
        applicant.get_by_label(translation.gettext("Why do you want to take part?")).fill("Əmək miqrasiyası şöbəsində işləyirəm.")
        applicant.get_by_label(translation.gettext("The organisation in my profile is the one I work for")).check()
        applicant.get_by_label(translation.gettext("The position level in my profile is mine")).check()
        applicant.get_by_role("button", name=translation.gettext("Apply"), exact=True).click()
        applicant.wait_for_url("**/az/learning/")
        expect(applicant.locator("section[aria-labelledby=applications-title]")).to_contain_text(str(ApplicationStatus.SUBMITTED.label))
    application = SessionApplication.objects.get(trainee=trainee)

    # the coordinator approves it on the session's applications page, seeing the seats
    coordinator = new_page()
    coordinator.set_default_timeout(TIMEOUT)
    sign_in_to_the_admin(coordinator, "coordinator@example.org")
    coordinator.goto(f"/admin/sessions/{session.pk}/applications/")
    expect(coordinator.get_by_text("Confirmed: 0 of 1 seats (1 free)")).to_be_visible()
    coordinator.get_by_label("Choose Leyla Həsənova").check()
    coordinator.locator("#id_decision").select_option("approved")
    coordinator.get_by_role("button", name="Decide on the ticked applications").click()
    expect(coordinator.get_by_text("1 application decided; the trainee is told by e-mail.")).to_be_visible()
    expect(coordinator.get_by_text("Confirmed: 1 of 1 seats (0 free)")).to_be_visible()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED

    # the trainee sees the confirmed place
    applicant.reload()
    with translation.override("az"):
        expect(applicant.locator("section[aria-labelledby=applications-title]")).to_contain_text(str(ApplicationStatus.APPROVED.label))

    # the session starts today; the trainer takes attendance of its first day on a phone (days still to come take none)
    from django.utils import timezone

    today = timezone.localdate()
    TrainingSession.objects.filter(pk=session.pk).update(
        start_date=today, end_date=today + (session.end_date - session.start_date), application_deadline=today
    )
    phone = new_page(viewport=PHONE)
    phone.set_default_timeout(TIMEOUT)
    sign_in(phone, trainer.email)
    phone.get_by_role("link", name="My teaching").click()
    phone.get_by_role("link", name="Take attendance").click()
    phone.get_by_label("Leyla Həsənova").check()
    phone.get_by_role("button", name="Save the attendance").click()
    expect(phone.get_by_text(re.compile(r"Attendance of .* saved \(1 marks changed\)\."))).to_be_visible()
    assert list(Attendance.objects.values_list("application_id", "present")) == [(application.pk, True)]
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_session_completes_and_the_trainee_downloads_a_certificate_whose_qr_link_verifies_it(demo_site, new_page):
    import subprocess

    from django.utils import timezone

    from curriculum import enrolment
    from curriculum.certificates import verification_url
    from curriculum.models import Certificate

    today = timezone.localdate()
    part = CurriculumPartPageFactory(parent=CurriculumIndexPageFactory(), part=ThematicPart.objects.get(number=2))
    module = ModulePageFactory(parent=part, code="M13", title="Əmək miqrasiyasının idarə olunması")
    session = TrainingSessionFactory(module=module, start_date=today, end_date=today, application_deadline=today)
    trainer = UserFactory(role="trainer", email="session.trainer@example.org")
    session.trainers.add(trainer)
    coordinator_user = UserFactory(role="coordinator", email="coordinator@example.org", preferred_language="en")
    trainee = UserFactory(role="trainee", email="leyla@example.org", first_name="Leyla", last_name="Həsənova", preferred_language="az")
    application = enrolment.session_apply(
        session=session, trainee=trainee, motivation="Əmək miqrasiyası.", organisation_confirmed=True, position_confirmed=True
    )
    enrolment.application_decide(application=application, decision="approved", decided_by=coordinator_user)

    phone = new_page(viewport=PHONE)
    phone.set_default_timeout(TIMEOUT)
    sign_in(phone, trainer.email)
    phone.goto(f"/en/sessions/{session.pk}/attendance/?day={today.isoformat()}")
    phone.get_by_label("Leyla Həsənova").check()
    phone.get_by_role("button", name="Save the attendance").click()
    expect(phone.get_by_text(re.compile(r"saved \(1 marks changed\)"))).to_be_visible()

    coordinator = new_page()
    coordinator.set_default_timeout(TIMEOUT)
    sign_in_to_the_admin(coordinator, coordinator_user.email)
    coordinator.goto(f"/admin/sessions/{session.pk}/applications/")
    coordinator.get_by_role("button", name="Complete the session and issue the certificates").click()
    expect(coordinator.get_by_text(re.compile(r"Session completed; the certificates are being issued"))).to_be_visible()
    certificate = Certificate.objects.get(application=application)
    assert certificate.kind == "completion"

    learner = new_page()
    learner.set_default_timeout(TIMEOUT)
    sign_in(learner, trainee.email, "az")
    learner.goto("/az/learning/")
    with translation.override("az"), learner.expect_download() as download:
        learner.get_by_role("link", name=translation.gettext("Download the PDF")).click()
    pdf = download.value.path()
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Həsənova" in text
    url = verification_url(certificate)
    assert url in "".join(text.split())  # the QR code's link is printed under it too

    # the QR code's link, opened by anyone
    visitor = new_page()
    visitor.goto(urlsplit(url).path)
    with translation.override(visitor.url.split("/")[3]):
        expect(visitor.get_by_text(translation.gettext("This certificate is valid."))).to_be_visible()
    expect(visitor.get_by_text("Leyla Həsənova")).to_be_visible()
