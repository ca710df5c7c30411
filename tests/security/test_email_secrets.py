"""No page of the e-mail log shows a secret an e-mail carried: reset, confirmation and personal links, codes.

The attack of issue #13: a coordinator read an administrator's password-reset link in the e-mail log and
took the account over. These tests play it, and sweep every kind of e-mail the platform sends.
"""

from __future__ import annotations

import datetime
import io
import re

import openpyxl
import pytest
from allauth.account.adapter import get_adapter
from allauth.core.context import request_context
from django.core import mail
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from assessments import services as assessment_services
from assessments.models import Purpose, Respondent, RoundStatus
from curriculum import enrolment
from curriculum.models import ApplicationStatus, NoticeKind, SessionApplication, ThematicChapter, ThematicPart
from experts import services as expert_services
from experts.models import ExpertStatus
from people.models import Country, Language, OutboundEmail, ParticipantLevel, StakeholderCategory, User
from tests.conftest import PASSWORD
from tests.factories.assessments import RespondentFactory, RoundFactory, sample_instrument
from tests.factories.curriculum import CurriculumIndexPageFactory, CurriculumPartPageFactory, ModulePageFactory, TrainingSessionFactory
from tests.factories.experts import ExpertProfileFactory, pdf_upload
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "taken-over-account-2026!"
# Written out here, independently of the code under test: every link that acts for its recipient.
SECRET_LINK = re.compile(
    r"https?://[^\s\"'<>/]+(/\w\w/(?:accounts/password/reset/key|accounts/confirm-email|surveys/link)/([^\s\"'<>/]+)/)"
)
RESET_LINK = re.compile(r"https?://[^/\s]+(/en/accounts/password/reset/key/([^/\s]+)/)")
EMAIL_LOG = "/admin/email-log/"


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _email_log_pages(client: Client) -> dict[str, str]:
    """Every page of the e-mail log a signed-in user can open: listing, results, each kind, each e-mail, the export."""
    paths = [EMAIL_LOG, f"{EMAIL_LOG}results/", f"{EMAIL_LOG}?export=csv", f"{EMAIL_LOG}?export=xlsx"]
    paths += [f"{EMAIL_LOG}?p={number}" for number in range(2, OutboundEmail.objects.count() // 20 + 2)]  # 20 a page
    paths += [f"{EMAIL_LOG}?q={to}" for to in OutboundEmail.objects.values_list("to", flat=True).distinct()]
    paths += [f"{EMAIL_LOG}inspect/{pk}/" for pk in OutboundEmail.objects.values_list("pk", flat=True)]
    pages = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        pages[path] = _text_of(response)
    return pages


def _text_of(response: HttpResponse) -> str:
    """What a page or an export shows, as text (every cell of a spreadsheet)."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(str(cell) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for cell in row)
    return content.decode()


def _rows_found_by_searching(client: Client, text: str) -> list[int]:
    """The e-mails the log's search lists for `text`: a search over bodies would tell a secret's letters one by one."""
    page = client.get(f"{EMAIL_LOG}results/", {"q": text}).content.decode()
    return [pk for pk in OutboundEmail.objects.values_list("pk", flat=True) if f"{EMAIL_LOG}inspect/{pk}/" in page]


def test_a_coordinator_cannot_take_over_the_administrators_account_through_the_email_log(
    client, administrator, coordinator, django_capture_on_commit_callbacks
):
    # 1. Signed out, the attacker asks for a password reset of the administrator's account.
    with django_capture_on_commit_callbacks(execute=True):
        requested = client.post("/en/accounts/password/reset/", {"email": administrator.email})
    assert requested.status_code == 302
    assert [message.to for message in mail.outbox] == [[administrator.email]]
    delivered = RESET_LINK.search(mail.outbox[0].body)
    assert delivered, mail.outbox[0].body
    link_path, key = delivered.group(1), delivered.group(2)

    # 2. As a coordinator, they read every page of the e-mail log: the link is nowhere, nor its key.
    attacker = _signed_in(coordinator)
    pages = _email_log_pages(attacker)
    assert f"{EMAIL_LOG}inspect/{OutboundEmail.objects.get().pk}/" in pages
    for path, page in pages.items():
        assert "/password/reset/key/" not in page, path
        assert key not in page, path
        assert key.rsplit("-", 1)[-1] not in page, path
    inspected = pages[f"{EMAIL_LOG}inspect/{OutboundEmail.objects.get().pk}/"]
    assert administrator.email in inspected  # who, what kind and when stay readable
    assert administrator.email in pages[f"{EMAIL_LOG}?export=csv"] and administrator.email in pages[f"{EMAIL_LOG}?export=xlsx"]
    with translation.override(OutboundEmail.objects.get().language):
        assert gettext("[link hidden]") in inspected

    # 3. Searching the log for pieces of the key does not confirm a single letter.
    assert _rows_found_by_searching(attacker, key[-12:]) == []
    assert _rows_found_by_searching(attacker, "password/reset/key") == []

    # 4. Nothing to follow, so the administrator's password and pages stay out of reach.
    assert attacker.get("/admin/groups/").status_code != 200
    administrator.refresh_from_db()
    assert administrator.check_password(PASSWORD)

    # 5. The administrator's own mail still carries a working link.
    owner = Client()
    opened = owner.get(link_path)
    assert opened.status_code == 302
    done = owner.post(opened["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done["Location"] == "/en/accounts/password/reset/key/done/"
    administrator.refresh_from_db()
    assert administrator.check_password(NEW_PASSWORD)


def _signup_data(email: str) -> dict[str, object]:
    return {
        "email": email,
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "first_name": "Leyla",
        "last_name": "Məmmədova",
        "gender": User.Gender.FEMALE,
        "country": Country.objects.get(iso_code="GE").pk,
        "organisation_name": "Public Service Development Agency",
        "organisation_category": StakeholderCategory.objects.get(code="government").pk,
        "position_level": ParticipantLevel.objects.get(code="middle").pk,
        "preferred_language": "ru",
    }


def _expert_application() -> dict[str, object]:
    return {
        "first_name": "Nigar",
        "last_name": "Fictional",
        "email": "nigar@example.org",
        "gender": "female",
        "nationality": "Azerbaijani",
        "organisation_name": "Fictional Migration Institute",
        "short_bio": "Labour migration researcher.",
        "cv": pdf_upload(),
        "chapter_13": "lead",
        "language_ru": "native",
        "consent_to_be_listed": "on",
    }


def _send_every_kind_of_email(capture, administrator: User, coordinator: User) -> tuple[list[str], Respondent]:
    """Make the platform send each e-mail it knows, as it does in use; return the codes it generated and the respondent."""
    visitor = Client()
    part = CurriculumPartPageFactory(parent=CurriculumIndexPageFactory(), part=ThematicPart.objects.get(number=2))
    module = ModulePageFactory(
        parent=part,
        code="M13",
        title="Labour migration governance",
        chapters=list(ThematicChapter.objects.filter(number__in=[13, 14])),
        delivery_languages=[Language.objects.get(code="ru")],
    )
    today = timezone.localdate()
    with capture(execute=True):
        # allauth: password reset, unknown account, sign-up confirmation, account already exists, another address
        visitor.post("/en/accounts/password/reset/", {"email": administrator.email})
        visitor.post("/ru/accounts/password/reset/", {"email": "nobody@example.org"})
        visitor.post("/ru/accounts/signup/", _signup_data("leyla@example.org"))
        Client().post("/en/accounts/signup/", _signup_data(coordinator.email))
        _signed_in(administrator).post("/en/accounts/email/", {"email": "second@example.org", "action_add": ""})
    # Sign-in and reset codes are off on this platform; were they switched on, allauth would send these.
    adapter = get_adapter()
    codes = [adapter.generate_login_code(), adapter.generate_password_reset_code()]
    request = RequestFactory().get("/en/accounts/login/")
    with capture(execute=True), request_context(request):
        adapter.send_mail("account/email/login_code", administrator.email, {"request": request, "code": codes[0]})
        adapter.send_mail("account/email/password_reset_code", administrator.email, {"request": request, "code": codes[1]})
    with capture(execute=True):
        # sessions: every notice of an application, the certificate's included
        session = TrainingSessionFactory(module=module)
        trainee = UserFactory(role="trainee", email="trainee@example.org", preferred_language="az")
        application = SessionApplication.objects.create(session=session, trainee=trainee, status=ApplicationStatus.APPROVED, motivation="-")
        for kind in NoticeKind:
            assert enrolment.notify(application, kind)
        # a needs-assessment round: the personal link, in the invitation and in the reminder
        survey_round = RoundFactory(status=RoundStatus.OPEN, deadline=today + datetime.timedelta(days=7))
        survey_round.countries.set(Country.objects.filter(iso_code="AZ"))
        instrument = sample_instrument(code="na-secrets")
        survey_round.instruments.add(instrument)
        respondent = RespondentFactory(round=survey_round, instrument=instrument, email="dmx@example.org")
        assert assessment_services.round_invitations_send(survey_round=survey_round) == 1
        assert assessment_services.round_reminders_send(today=today) == 1
        # a session survey opening
        ended = TrainingSessionFactory(module=module, start_date=today - datetime.timedelta(days=2), end_date=today)
        sample_instrument(purpose=Purpose.SESSION_EVALUATION, is_anonymous=True, is_default=True)
        SessionApplication.objects.create(session=ended, trainee=trainee, status=ApplicationStatus.APPROVED, motivation="-")
        assert assessment_services.session_surveys_send(today=today) == 1
        # the expert roster: an application, a status change, a teaching invitation and its answer
        visitor.post("/en/experts/apply/", _expert_application())
        applicant = ExpertProfileFactory(status=ExpertStatus.APPLIED, user__email="applicant@example.org")
        expert_services.expert_set_status(expert=applicant, status="vetted", reason="References checked.", changed_by=coordinator)
        expert = ExpertProfileFactory(chapter_numbers=[13], user__email="expert@example.org")
        invitation = expert_services.expert_invite(module=module, experts=[expert], invited_by=coordinator).invited[0]
        expert_services.invitation_respond(invitation=invitation, user=expert.user, accept=True)
    return codes, respondent


def test_no_page_of_the_email_log_shows_a_secret_of_any_email_the_platform_sends(
    site, administrator, coordinator, django_capture_on_commit_callbacks
):
    codes, respondent = _send_every_kind_of_email(django_capture_on_commit_callbacks, administrator, coordinator)

    # The secrets, as the recipients received them.
    delivered = "\n".join(f"{message.subject}\n{message.body}" for message in mail.outbox)
    found = SECRET_LINK.findall(delivered)
    paths = {path for path, _token in found}
    secrets = {secret for path, token in found for secret in (path, token)}
    secrets.add(respondent.token)
    secrets |= {code for code in codes if code in delivered}
    assert {path.split("/")[3] for path in paths} == {"password", "confirm-email", "link"}
    assert len([path for path in paths if "/confirm-email/" in path]) == 2  # the sign-up and the added address
    assert len([path for path in paths if "/surveys/link/" in path]) == 1  # one respondent, in two e-mails
    assert len(set(codes) & secrets) == 2

    # Every page of the log, as a coordinator and as an administrator: none of them.
    for reader in (coordinator, administrator):
        client = _signed_in(reader)
        pages = _email_log_pages(client)
        for path, page in pages.items():
            for secret in secrets:
                assert secret not in page, f"{reader.email} reads {secret} on {path}"
        for secret in secrets:
            assert _rows_found_by_searching(client, secret) == [], secret
        respondents = client.get(reverse("assessments_round_respondents", args=[respondent.round_id])).content.decode()
        assert not [secret for secret in secrets if secret in respondents]

    # Each kind of e-mail was sent and is in the log.
    assert set(OutboundEmail.objects.values_list("kind", flat=True)) == set(OutboundEmail.Kind.values) - {OutboundEmail.Kind.OTHER}
    assert OutboundEmail.objects.filter(sent_at__isnull=True).count() == 0
    assert OutboundEmail.objects.exclude(hidden_values={}).count() == 0  # delivered, so nothing kept to rebuild them
