"""Who may open which URL: every URL pattern of the project, requested as each role.

How it works:
- `project_url_patterns()` walks Django's URL resolver and lists every pattern as a route string, the
  language prefix shown as "<lang>/" (e.g. "<lang>/accounts/login/"; regular expressions without ^/$).
- `URL_TABLE` classifies a pattern exactly: sample URLs, and for each what every role gets.
- `PREFIX_RULES` cover big third-party trees (Wagtail's admin, documents) with a few samples each.
- A pattern that is in neither fails `test_every_url_pattern_is_classified`.
- A pattern that is the project's own (its view lives in one of our apps, or in an admin viewset our apps register
  through wagtail_hooks) needs its own URL_TABLE entry: a prefix rule is not enough
  (`test_every_project_owned_url_pattern_has_its_own_entry`).

Adding a URL: add an entry to `URL_TABLE` under its route string (the failing test prints it) with one
or more `Sample`s. A sample URL may carry "{placeholders}" named in `SAMPLE_NAMES` and filled from
`build_samples` (real objects the view needs to get past its lookups, made once for the whole module). Expected outcomes: `OK`, `NOT_FOUND`, `FORBIDDEN`, `NOT_ALLOWED`,
`redirect(path)` (the Location's path is compared, query string ignored), `LOGIN_EN` / `LOGIN_AZ`.
Helpers `everyone(...)` and `signed_out_vs_in(...)` build the role-to-outcome mapping.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import LocalePrefixPattern
from django.utils import translation
from pytest_django import DjangoDbBlocker

from home import demo as home_demo
from people import services as people_services

ROLES = ("anonymous", "trainee", "expert", "trainer", "coordinator", "administrator")
LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)


@dataclass(frozen=True)
class Outcome:
    """What a request should get: a status and, for redirects, the path it points to."""

    status: int
    location: str = ""

    def __str__(self) -> str:
        return f"{self.status} -> {self.location}" if self.location else str(self.status)


OK = Outcome(200)
NOT_FOUND = Outcome(404)
FORBIDDEN = Outcome(403)
NOT_ALLOWED = Outcome(405)


def redirect(path: str) -> Outcome:
    return Outcome(302, path)


LOGIN_EN = redirect("/en/accounts/login/")
# Unprefixed URLs (the admin) send people to the login page in the default language.
LOGIN_AZ = redirect(f"/{settings.LANGUAGE_CODE}/accounts/login/")
# Where Wagtail sends whoever may not open the admin (home.views.admin_login).
ADMIN_LOGIN = redirect("/admin/login/")
HOME_EN = redirect("/en/")
ADMIN_HOME = redirect("/admin/")  # Wagtail's answer to a signed-in editor who lacks a permission


def everyone(outcome: Outcome) -> dict[str, Outcome]:
    return dict.fromkeys(ROLES, outcome)


def signed_out_vs_in(anonymous: Outcome, signed_in: Outcome) -> dict[str, Outcome]:
    return {role: anonymous if role == "anonymous" else signed_in for role in ROLES}


def by_role(
    *, anonymous: Outcome, trainee: Outcome, trainer: Outcome, coordinator: Outcome, administrator: Outcome, expert: Outcome | None = None
) -> dict[str, Outcome]:
    """Outcomes per role; an expert gets what a trainee gets unless said otherwise."""
    return {
        "anonymous": anonymous,
        "trainee": trainee,
        "expert": trainee if expert is None else expert,
        "trainer": trainer,
        "coordinator": coordinator,
        "administrator": administrator,
    }


def only_the_expert(outcome: Outcome) -> dict[str, Outcome]:
    """Pages of the signed-in expert's own profile: the expert gets `outcome`, anyone else signed in a 404."""
    return by_role(anonymous=LOGIN_EN, trainee=NOT_FOUND, trainer=NOT_FOUND, coordinator=NOT_FOUND, administrator=NOT_FOUND, expert=outcome)


@dataclass(frozen=True)
class Sample:
    """A concrete URL to request, how, and what each role should get."""

    url: str
    expected: dict[str, Outcome]
    method: str = "get"
    data: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        assert set(self.expected) == set(ROLES), f"{self.url}: give an outcome for each of {ROLES}"


# Objects the sample URLs need, built once for the whole module (see `shared`): by placeholder name.
def _users() -> dict[str, object]:
    """One user per signed-in role; the expert has a vetted profile, so their own pages answer."""
    from tests.factories.experts import ExpertProfileFactory
    from tests.factories.people import UserFactory

    users = {role: UserFactory(role=role, email=f"{role}@example.org") for role in ("trainee", "trainer", "coordinator", "administrator")}
    users["expert"] = ExpertProfileFactory(user__email="expert@example.org").user
    return users


def _module() -> object:
    from tests.factories.curriculum import CurriculumIndexPageFactory, CurriculumPartPageFactory, ModulePageFactory

    return ModulePageFactory(code="URL1", parent=CurriculumPartPageFactory(parent=CurriculumIndexPageFactory(slug="curriculum-s")))


def _ended_session(module: object, users: dict[str, object], *, closed: bool) -> object:
    """A session that ended today (its evaluation open; `closed`: 40 days ago) with the trainee confirmed and the
    trainer teaching it."""
    import datetime

    from django.utils import timezone

    from curriculum.models import ApplicationStatus, SessionApplication
    from tests.factories.curriculum import TrainingSessionFactory

    end = timezone.localdate() - datetime.timedelta(days=40 if closed else 0)
    session = TrainingSessionFactory(
        module=module, start_date=end - datetime.timedelta(days=1), end_date=end, application_deadline=end - datetime.timedelta(days=5)
    )
    session.trainers.add(users["trainer"])
    SessionApplication.objects.create(session=session, trainee=users["trainee"], status=ApplicationStatus.APPROVED, motivation="URL table.")
    return session


def _completed_session(module: object, users: dict[str, object]) -> int:
    """A session that ended today and is completed (its attendance sheet read-only), taught by the trainer."""
    from curriculum.models import SessionStatus, TrainingSession

    session = _ended_session(module, users, closed=False)
    TrainingSession.objects.filter(pk=session.pk).update(status=SessionStatus.COMPLETED)
    return session.pk


def _certificate(application: object, *, revoked: bool) -> str:
    """A certificate on one of the trainee's applications (no file yet: the download renders it)."""
    from django.utils import timezone

    from curriculum.models import Certificate

    session = application.session
    certificate = Certificate.objects.create(
        application=application,
        kind="completion",
        language="en",
        holder_name="Trainee",
        module_title="URL1",
        start_date=session.start_date,
        end_date=session.end_date,
        place="Bakı",
        **({"revoked_at": timezone.now(), "revoked_reason": "Issued by mistake."} if revoked else {}),
    )
    return certificate.code


def _job(kind: str, requested_by: object, *, done: bool, **parameters: object) -> int:
    """A background file job (results export or report) asked for by `requested_by`; `done`: with its file."""
    from django.core.files.base import ContentFile

    from assessments.models import ExportJob, ExportStatus

    job = ExportJob.objects.create(kind=kind, requested_by=requested_by, parameters=parameters, file_format="csv", language="en")
    if done:
        job.file.save("url-table.csv", ContentFile(b"a,b\n1,2\n"), save=False)
        job.status = ExportStatus.DONE
        job.progress = 100
        job.save()
    return job.pk


def build_samples(users: dict[str, object]) -> dict[str, object]:
    """Every object the table's sample URLs name, made once."""
    from wagtail.documents import get_document_model

    from assessments import matrix
    from assessments.exports import EXPORT_KIND
    from assessments.models import Instrument, Purpose
    from assessments.reports import MATRIX_REPORT_KIND
    from curriculum.models import SessionApplication
    from people.models import OutboundEmail
    from tests.factories.assessments import RespondentFactory, RoundFactory, sample_instrument
    from tests.factories.curriculum import TrainingSessionFactory
    from tests.factories.experts import ExpertProfileFactory
    from tests.factories.people import OrganisationFactory

    module = _module()
    open_session = TrainingSessionFactory(module=module)
    other_open_session = TrainingSessionFactory(module=module)
    application = SessionApplication.objects.create(session=open_session, trainee=users["trainee"], motivation="For the URL table.")
    other_application = SessionApplication.objects.create(session=other_open_session, trainee=users["trainee"], motivation="URL table.")
    survey_round = RoundFactory(title_en="URL table round")
    instrument = sample_instrument()
    survey_round.instruments.add(instrument)
    if not Instrument.objects.filter(purpose=Purpose.SESSION_EVALUATION, is_default=True).exists():
        sample_instrument(purpose=Purpose.SESSION_EVALUATION, is_anonymous=True, is_default=True, required=False)
    invitation_module = _module_page_elsewhere()
    from experts.models import Invitation

    baseline = matrix.baseline_load()
    document = get_document_model().objects.create(title="RTCM handbook", file=ContentFile(b"%PDF-1.4 handbook", name="handbook.pdf"))
    coordinator = users["coordinator"]
    return {
        "survey_token": RespondentFactory(round=survey_round, instrument=instrument).token,
        "survey_round_id": survey_round.pk,
        "instrument_id": instrument.pk,
        "ended_session_id": _ended_session(module, users, closed=False).pk,
        "closed_session_id": _ended_session(module, users, closed=True).pk,
        "completed_session_id": _completed_session(module, users),
        "document_id": document.pk,
        "vetted_expert_id": ExpertProfileFactory(status="vetted", user__email="vetted.expert@example.org").pk,
        "applied_expert_id": ExpertProfileFactory(status="applied", user__email="applied.expert@example.org").pk,
        "expert_without_cv_id": ExpertProfileFactory(cv=None, user__email="no-cv.expert@example.org").pk,
        "expert_invitation_id": Invitation.objects.create(expert=users["expert"].expert_profile, module=invitation_module).pk,
        "module_id": invitation_module.pk,
        "open_session_id": open_session.pk,
        "draft_session_id": TrainingSessionFactory(module=module, status="draft").pk,
        "unapplied_session_id": TrainingSessionFactory(module=module).pk,
        "trainee_application_id": application.pk,
        "certificate_code": _certificate(application, revoked=False),
        "revoked_certificate_code": _certificate(other_application, revoked=True),
        "organisation_id": OrganisationFactory(name="URL table organisation").pk,
        "email_id": OutboundEmail.objects.create(to="someone@example.org", subject="Your application", body_text="Received.").pk,
        "snapshot_id": baseline.pk,
        "cell_id": baseline.cells.order_by("pk").first().pk,
        "results_export_job_id": _job(EXPORT_KIND, coordinator, done=False, instrument_id=instrument.pk),
        "done_results_export_job_id": _job(EXPORT_KIND, coordinator, done=True, instrument_id=instrument.pk),
        "report_job_id": _job(MATRIX_REPORT_KIND, coordinator, done=False, snapshot_id=baseline.pk),
        "done_report_job_id": _job(MATRIX_REPORT_KIND, coordinator, done=True, snapshot_id=baseline.pk),
        "other_user_id": _person_elsewhere().pk,
        **_media_files(document),
    }


def _media_files(document: object) -> dict[str, str]:
    """Names in the default storage: an image's rendition, an avatar, and the document's file."""
    import io

    from django.core.files.images import ImageFile
    from django.core.files.storage import default_storage
    from PIL import Image as PillowImage
    from wagtail.images import get_image_model

    buffer = io.BytesIO()
    PillowImage.new("RGB", (30, 20), (10, 90, 160)).save(buffer, format="PNG")
    image = get_image_model().objects.create(title="URL table map", file=ImageFile(io.BytesIO(buffer.getvalue()), name="map.png"))
    avatar = default_storage.save("avatar_images/url-table.png", ContentFile(buffer.getvalue()))
    return {"rendition_name": image.get_rendition("width-20").file.name, "avatar_name": avatar, "document_file_name": document.file.name}


def _person_elsewhere() -> object:
    from tests.factories.people import UserFactory

    return UserFactory(role="trainee", email="url-table-person@example.org")


def _module_page_elsewhere() -> object:
    from tests.factories.curriculum import CurriculumIndexPageFactory, CurriculumPartPageFactory, ModulePageFactory

    return ModulePageFactory(parent=CurriculumPartPageFactory(parent=CurriculumIndexPageFactory(slug="curriculum-m")))


# The placeholders a sample URL may use (filled from `build_samples`).
SAMPLE_NAMES = (
    "survey_token",
    "survey_round_id",
    "instrument_id",
    "ended_session_id",
    "closed_session_id",
    "completed_session_id",
    "document_id",
    "vetted_expert_id",
    "applied_expert_id",
    "expert_without_cv_id",
    "expert_invitation_id",
    "module_id",
    "open_session_id",
    "draft_session_id",
    "unapplied_session_id",
    "trainee_application_id",
    "certificate_code",
    "revoked_certificate_code",
    "organisation_id",
    "email_id",
    "snapshot_id",
    "cell_id",
    "results_export_job_id",
    "done_results_export_job_id",
    "report_job_id",
    "done_report_job_id",
    "other_user_id",
    "rendition_name",
    "avatar_name",
    "document_file_name",
)

BAD_KEY = "not-a-valid-key"


# Exact patterns: route string -> samples.
def _own_application(trainee: Outcome) -> dict[str, Outcome]:
    """The trainee's own application: theirs to act on; a 404 for every other account."""
    return by_role(anonymous=LOGIN_EN, trainee=trainee, expert=NOT_FOUND, trainer=NOT_FOUND, coordinator=NOT_FOUND, administrator=NOT_FOUND)


def _session_staff(outcome: Outcome) -> dict[str, Outcome]:
    """A page of a session's staff: its trainer (the `trainer` role teaches the ended sessions), coordinators and
    administrators get `outcome`; every other account a 404."""
    return by_role(anonymous=LOGIN_EN, trainee=NOT_FOUND, trainer=outcome, coordinator=outcome, administrator=outcome)


URL_TABLE: dict[str, tuple[Sample, ...]] = {
    # Operations
    "health/": (
        Sample("/health/", everyone(OK)),
        Sample("/health/", everyone(NOT_ALLOWED), method="post"),
    ),
    "health/live/": (
        Sample("/health/live/", everyone(OK)),
        Sample("/health/live/", everyone(NOT_ALLOWED), method="post"),
    ),
    # Images, renditions and avatars of the default storage (home.views.media_file); no other file of it has a URL.
    "media/<path:name>": (
        Sample("/media/{rendition_name}", everyone(OK)),
        Sample("/media/{rendition_name}", everyone(NOT_ALLOWED), method="post"),
        Sample("/media/images/missing.png", everyone(NOT_FOUND)),
        Sample(
            "/media/{avatar_name}",
            by_role(anonymous=NOT_FOUND, trainee=NOT_FOUND, expert=NOT_FOUND, trainer=OK, coordinator=OK, administrator=OK),
        ),
        Sample("/media/{document_file_name}", everyone(NOT_FOUND)),
        Sample("/media/images/../{document_file_name}", everyone(NOT_FOUND)),
    ),
    # Guards in front of Wagtail's own login and password reset (config/urls.py)
    # Signed out: allauth's sign-in; signed in without admin access: a 403 page, not a redirect back to `next`.
    "admin/login/": (
        Sample(
            "/admin/login/?next=/admin/pages/",
            by_role(
                anonymous=LOGIN_AZ,
                trainee=FORBIDDEN,
                trainer=redirect("/admin/pages/"),
                coordinator=redirect("/admin/pages/"),
                administrator=redirect("/admin/pages/"),
            ),
        ),
        Sample(
            "/admin/login/?next=https://elsewhere.example/",
            by_role(anonymous=LOGIN_AZ, trainee=FORBIDDEN, trainer=ADMIN_HOME, coordinator=ADMIN_HOME, administrator=ADMIN_HOME),
        ),
        Sample(
            "/admin/login/",
            by_role(anonymous=LOGIN_AZ, trainee=FORBIDDEN, trainer=ADMIN_HOME, coordinator=ADMIN_HOME, administrator=ADMIN_HOME),
            method="post",
            data={"username": "trainee@example.org", "password": "x"},
        ),
    ),
    "admin/password_reset/": (
        Sample("/admin/password_reset/", everyone(redirect("/az/accounts/password/reset/"))),
        Sample("/admin/password_reset/done/", everyone(redirect("/az/accounts/password/reset/"))),
    ),
    "<lang>/_util/login/": (
        Sample("/en/_util/login/", everyone(LOGIN_EN)),
        Sample("/en/_util/login/", everyone(LOGIN_EN), method="post", data={"username": "trainee@example.org", "password": "x"}),
    ),
    # Site pages
    "<lang>/": (
        Sample("/az/", everyone(OK)),
        Sample("/ru/", everyone(OK)),
        Sample("/en/", everyone(OK)),
    ),
    r"<lang>/((?:[\w\-]+/)*)": (Sample("/en/no-such-page/", everyone(NOT_FOUND)),),
    "<lang>/_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/": (
        Sample("/en/_util/authenticate_with_password/999999/999999/", everyone(NOT_FOUND)),
    ),
    # Learning (curriculum app)
    "<lang>/learning/": (Sample("/en/learning/", signed_out_vs_in(LOGIN_EN, OK)),),
    "<lang>/modules/<int:page_id>/pdf/": (Sample("/en/modules/999999/pdf/", everyone(NOT_FOUND)),),
    # Sessions and applications (curriculum app): sessions are public once planned; applying is for trainees
    "<lang>/sessions/<int:session_id>/": (
        Sample("/en/sessions/{open_session_id}/", everyone(OK)),
        Sample("/en/sessions/{draft_session_id}/", everyone(NOT_FOUND)),
        Sample("/en/sessions/999999/", everyone(NOT_FOUND)),
    ),
    "<lang>/sessions/<int:session_id>/apply/": (
        # a visit (back from signing in after a signed-out post) goes to the session's page, where the form is
        Sample("/en/sessions/{open_session_id}/apply/", signed_out_vs_in(LOGIN_EN, redirect("/en/sessions/{open_session_id}/"))),
        Sample("/en/sessions/999999/apply/", signed_out_vs_in(LOGIN_EN, NOT_FOUND)),
        # an empty application: a trainee sees the form again with its errors; other roles do not apply
        Sample(
            "/en/sessions/{unapplied_session_id}/apply/",
            by_role(
                anonymous=LOGIN_EN,
                trainee=Outcome(400),
                expert=FORBIDDEN,
                trainer=FORBIDDEN,
                coordinator=FORBIDDEN,
                administrator=FORBIDDEN,
            ),
            method="post",
        ),
        Sample("/en/sessions/999999/apply/", signed_out_vs_in(LOGIN_EN, NOT_FOUND), method="post"),
    ),
    # the attendance sheet: the session's trainers (none here), coordinators and administrators
    "<lang>/sessions/<int:session_id>/attendance/": (
        Sample(
            "/en/sessions/{open_session_id}/attendance/",
            by_role(anonymous=LOGIN_EN, trainee=NOT_FOUND, trainer=NOT_FOUND, coordinator=OK, administrator=OK),
        ),
        Sample("/en/sessions/999999/attendance/", signed_out_vs_in(LOGIN_EN, NOT_FOUND)),
        # once the session is completed the sheet is read-only: a change is refused, a correction is filed instead
        Sample("/en/sessions/{completed_session_id}/attendance/", _session_staff(OK)),
        Sample("/en/sessions/{completed_session_id}/attendance/", _session_staff(Outcome(409)), method="post"),
    ),
    # a correction of a completed session's attendance: its trainers, coordinators and administrators
    "<lang>/sessions/<int:session_id>/attendance/corrections/": (
        Sample("/en/sessions/{completed_session_id}/attendance/corrections/", signed_out_vs_in(LOGIN_EN, NOT_ALLOWED)),
        # an empty correction (no participant, day, mark or reason) is refused on the page
        Sample("/en/sessions/{completed_session_id}/attendance/corrections/", _session_staff(Outcome(400)), method="post"),
        # a session not completed yet: its sheet is the way (the open session has no trainer)
        Sample(
            "/en/sessions/{open_session_id}/attendance/corrections/",
            by_role(anonymous=LOGIN_EN, trainee=NOT_FOUND, trainer=NOT_FOUND, coordinator=Outcome(409), administrator=Outcome(409)),
            method="post",
        ),
        Sample("/en/sessions/999999/attendance/corrections/", signed_out_vs_in(LOGIN_EN, NOT_FOUND), method="post"),
    ),
    # issuing a completed session's missing certificates again: coordinators and administrators, by POST only
    "<lang>/sessions/<int:session_id>/certificates/issue-missing/": (
        Sample("/en/sessions/{completed_session_id}/certificates/issue-missing/", signed_out_vs_in(LOGIN_EN, NOT_ALLOWED)),
        Sample(
            "/en/sessions/{completed_session_id}/certificates/issue-missing/",
            by_role(
                anonymous=LOGIN_EN,
                trainee=FORBIDDEN,
                trainer=FORBIDDEN,
                coordinator=redirect("/admin/sessions/{completed_session_id}/applications/"),
                administrator=redirect("/admin/sessions/{completed_session_id}/applications/"),
            ),
            method="post",
        ),
        # a session not completed yet has no certificates to issue
        Sample(
            "/en/sessions/{open_session_id}/certificates/issue-missing/",
            by_role(anonymous=LOGIN_EN, trainee=FORBIDDEN, trainer=FORBIDDEN, coordinator=Outcome(409), administrator=Outcome(409)),
            method="post",
        ),
        Sample(
            "/en/sessions/999999/certificates/issue-missing/",
            by_role(anonymous=LOGIN_EN, trainee=FORBIDDEN, trainer=FORBIDDEN, coordinator=NOT_FOUND, administrator=NOT_FOUND),
            method="post",
        ),
    ),
    "<lang>/teaching/": (Sample("/en/teaching/", signed_out_vs_in(LOGIN_EN, OK)),),
    # Surveys: a personal link needs no account; a session's surveys are for its confirmed participants
    "<lang>/surveys/link/<str:token>/": (
        Sample("/ru/surveys/link/{survey_token}/", everyone(OK)),
        Sample("/ru/surveys/link/{survey_token}/", everyone(Outcome(400)), method="post", data={"action": "no-such-action"}),
        Sample("/ru/surveys/link/not-a-token/", everyone(NOT_FOUND)),
    ),
    "<lang>/surveys/sessions/<int:session_id>/<str:purpose>/": (
        Sample(
            "/en/surveys/sessions/{ended_session_id}/session_evaluation/",
            by_role(anonymous=LOGIN_EN, trainee=OK, expert=NOT_FOUND, trainer=NOT_FOUND, coordinator=NOT_FOUND, administrator=NOT_FOUND),
        ),
        Sample("/en/surveys/sessions/{ended_session_id}/no-such-purpose/", signed_out_vs_in(LOGIN_EN, NOT_FOUND)),
        Sample("/en/surveys/sessions/999999/session_evaluation/", signed_out_vs_in(LOGIN_EN, NOT_FOUND)),
    ),
    "<lang>/surveys/thanks/": (Sample("/en/surveys/thanks/", everyone(OK)),),
    # a session's evaluation results, once closed: its trainers, coordinators and administrators
    "<lang>/teaching/sessions/<int:session_id>/results/": (
        Sample(
            "/en/teaching/sessions/{closed_session_id}/results/",
            by_role(anonymous=LOGIN_EN, trainee=NOT_FOUND, expert=NOT_FOUND, trainer=OK, coordinator=OK, administrator=OK),
        ),
        Sample("/en/teaching/sessions/999999/results/", signed_out_vs_in(LOGIN_EN, NOT_FOUND)),
    ),
    # Certificates: anyone verifies a code; the holder and coordinators download; coordinators revoke
    "<lang>/certificates/verify/<str:code>/": (
        Sample("/en/certificates/verify/{certificate_code}/", everyone(OK)),
        Sample("/en/certificates/verify/{revoked_certificate_code}/", everyone(OK)),
        Sample("/en/certificates/verify/NOTACODE/", everyone(NOT_FOUND)),
    ),
    "<lang>/certificates/<str:code>/download/": (
        Sample(
            "/en/certificates/{certificate_code}/download/",
            by_role(anonymous=LOGIN_EN, trainee=OK, expert=NOT_FOUND, trainer=NOT_FOUND, coordinator=OK, administrator=OK),
        ),
        Sample(
            "/en/certificates/{revoked_certificate_code}/download/",
            by_role(anonymous=LOGIN_EN, trainee=NOT_FOUND, expert=NOT_FOUND, trainer=NOT_FOUND, coordinator=OK, administrator=OK),
        ),
        Sample("/en/certificates/NOTACODE/download/", signed_out_vs_in(LOGIN_EN, NOT_FOUND)),
    ),
    "<lang>/certificates/<str:code>/revoke/": (
        Sample(
            "/en/certificates/{certificate_code}/revoke/",
            by_role(anonymous=LOGIN_EN, trainee=NOT_FOUND, expert=NOT_FOUND, trainer=NOT_FOUND, coordinator=OK, administrator=OK),
        ),
        # without a reason nothing is revoked
        Sample(
            "/en/certificates/{certificate_code}/revoke/",
            by_role(
                anonymous=LOGIN_EN,
                trainee=NOT_FOUND,
                expert=NOT_FOUND,
                trainer=NOT_FOUND,
                coordinator=Outcome(400),
                administrator=Outcome(400),
            ),
            method="post",
        ),
    ),
    # the trainee's own application: a visit asks to confirm, the post withdraws it and goes back to My learning
    "<lang>/applications/<int:application_id>/withdraw/": (
        Sample("/en/applications/{trainee_application_id}/withdraw/", _own_application(OK)),
        Sample("/en/applications/{trainee_application_id}/withdraw/", _own_application(redirect("/en/learning/")), method="post"),
        Sample("/en/applications/999999/withdraw/", signed_out_vs_in(LOGIN_EN, NOT_FOUND)),
        Sample("/en/applications/{trainee_application_id}/withdraw/", signed_out_vs_in(LOGIN_EN, NOT_ALLOWED), method="put"),
    ),
    # Expert roster (experts app): applying is public; profiles only for vetted, listed experts
    "<lang>/experts/apply/": (
        Sample("/en/experts/apply/", everyone(OK)),
        # an empty application is shown again with its errors
        Sample("/en/experts/apply/", everyone(OK), method="post"),
    ),
    "<lang>/experts/apply/thanks/": (Sample("/en/experts/apply/thanks/", everyone(OK)),),
    # an expert's own pages: signed-in users without a profile are offered to apply, then get 404s
    "<lang>/experts/me/": (Sample("/en/experts/me/", signed_out_vs_in(LOGIN_EN, OK)),),
    "<lang>/experts/me/edit/": (
        Sample("/en/experts/me/edit/", only_the_expert(OK)),
        # an edit with the end of availability before its start is shown again with its error
        Sample(
            "/en/experts/me/edit/",
            only_the_expert(OK),
            method="post",
            data={"available_from": "2027-02-02", "available_until": "2027-01-01"},
        ),
    ),
    "<lang>/experts/me/data.json": (Sample("/en/experts/me/data.json", only_the_expert(OK)),),
    "<lang>/experts/me/delete/": (
        Sample("/en/experts/me/delete/", only_the_expert(OK)),
        # without the confirmation box nothing is deleted
        Sample("/en/experts/me/delete/", only_the_expert(Outcome(400)), method="post"),
    ),
    "<lang>/experts/invitations/<int:invitation_id>/": (
        Sample("/en/experts/invitations/{expert_invitation_id}/", only_the_expert(OK)),
        Sample("/en/experts/invitations/{expert_invitation_id}/", only_the_expert(Outcome(400)), method="post", data={"answer": "maybe"}),
        Sample("/en/experts/invitations/999999/", only_the_expert(NOT_FOUND)),
    ),
    "<lang>/experts/<int:expert_id>/": (
        Sample("/en/experts/{vetted_expert_id}/", everyone(OK)),
        Sample("/en/experts/{applied_expert_id}/", everyone(NOT_FOUND)),
        Sample("/en/experts/999999/", everyone(NOT_FOUND)),
    ),
    # Accounts (django-allauth)
    "<lang>/accounts/login/": (Sample("/en/accounts/login/", signed_out_vs_in(OK, HOME_EN)),),
    "<lang>/accounts/logout/": (
        Sample("/en/accounts/logout/", signed_out_vs_in(HOME_EN, OK)),
        Sample("/en/accounts/logout/", everyone(HOME_EN), method="post"),
    ),
    "<lang>/accounts/inactive/": (Sample("/en/accounts/inactive/", everyone(OK)),),
    "<lang>/accounts/signup/": (Sample("/en/accounts/signup/", signed_out_vs_in(OK, HOME_EN)),),
    "<lang>/accounts/reauthenticate/": (Sample("/en/accounts/reauthenticate/", signed_out_vs_in(LOGIN_EN, OK)),),
    "<lang>/accounts/email/": (Sample("/en/accounts/email/", signed_out_vs_in(LOGIN_EN, OK)),),
    "<lang>/accounts/confirm-email/": (Sample("/en/accounts/confirm-email/", everyone(OK)),),
    r"<lang>/accounts/confirm-email/(?P<key>[-:\w]+)/": (
        # an unknown key shows allauth's "expired or invalid" page
        Sample(f"/en/accounts/confirm-email/{BAD_KEY}/", everyone(OK)),
        Sample(f"/en/accounts/confirm-email/{BAD_KEY}/", everyone(NOT_FOUND), method="post"),
    ),
    "<lang>/accounts/password/change/": (Sample("/en/accounts/password/change/", signed_out_vs_in(LOGIN_EN, OK)),),
    # every test user has a password, so "set" sends them to "change"
    "<lang>/accounts/password/set/": (
        Sample("/en/accounts/password/set/", signed_out_vs_in(LOGIN_EN, redirect("/en/accounts/password/change/"))),
    ),
    "<lang>/accounts/password/reset/": (Sample("/en/accounts/password/reset/", everyone(OK)),),
    "<lang>/accounts/password/reset/done/": (Sample("/en/accounts/password/reset/done/", everyone(OK)),),
    r"<lang>/accounts/password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/": (
        # an unknown key shows allauth's "bad token" page
        Sample(f"/en/accounts/password/reset/key/1-{BAD_KEY}/", everyone(OK)),
        Sample(f"/en/accounts/password/reset/key/zz-{BAD_KEY}/", everyone(OK), method="post", data={"password1": "x", "password2": "x"}),
    ),
    "<lang>/accounts/password/reset/key/done/": (Sample("/en/accounts/password/reset/key/done/", everyone(OK)),),
    # login by code is not enabled: without a pending login it sends you back
    "<lang>/accounts/login/code/confirm/": (Sample("/en/accounts/login/code/confirm/", signed_out_vs_in(LOGIN_EN, HOME_EN)),),
}

_SIGNED_OUT_OF_ADMIN = {"anonymous": ADMIN_LOGIN, "trainee": ADMIN_LOGIN}


def coordinators(outcome: Outcome, *, trainer: Outcome = ADMIN_HOME) -> dict[str, Outcome]:
    """An admin page of coordinators and administrators: without admin access, Wagtail's login; a trainer, `trainer`."""
    return by_role(**_SIGNED_OUT_OF_ADMIN, trainer=trainer, coordinator=outcome, administrator=outcome)


def administrators(outcome: Outcome) -> dict[str, Outcome]:
    """An admin page only administrators may use (coordinators lack the permission)."""
    return by_role(**_SIGNED_OUT_OF_ADMIN, trainer=ADMIN_HOME, coordinator=ADMIN_HOME, administrator=outcome)


def not_found_in_admin(path: str) -> Outcome:
    """A 404 under the unprefixed admin: LocaleMiddleware tries the path again under the default language (which 404s)."""
    return redirect(f"/{settings.LANGUAGE_CODE}{path}")


def job_page(path: str, *, found: bool = True) -> dict[str, Outcome]:
    """A background job a coordinator asked for: coordinators and administrators see every job, a trainer (who did not
    ask for it) a 404; a job of another kind, or one without its file yet, is a 404 for everyone."""
    missing = not_found_in_admin(path)
    return coordinators(OK if found else missing, trainer=missing)


BAD_REQUEST = Outcome(400)

# The project's own admin pages (registered by our apps' wagtail_hooks and viewsets): each has its rows.
ADMIN_TABLE: dict[str, tuple[Sample, ...]] = {
    # Curriculum reports
    "admin/reports/curriculum-coverage/": (Sample("/admin/reports/curriculum-coverage/", coordinators(OK)),),
    "admin/reports/curriculum-translations/": (
        Sample("/admin/reports/curriculum-translations/", coordinators(OK)),
        Sample("/admin/reports/curriculum-translations/?show=all", coordinators(OK)),
    ),
    # Sessions (curriculum viewset): coordinators plan; deleting is the administrators'
    "admin/sessions/": (Sample("/admin/sessions/", coordinators(OK)),),
    "admin/sessions/results/": (Sample("/admin/sessions/results/", coordinators(OK)),),
    "admin/sessions/new/": (Sample("/admin/sessions/new/", coordinators(OK)),),
    "admin/sessions/edit/<int:pk>/": (
        Sample("/admin/sessions/edit/{open_session_id}/", coordinators(OK)),
        Sample("/admin/sessions/edit/999999/", coordinators(not_found_in_admin("/admin/sessions/edit/999999/"))),
    ),
    "admin/sessions/delete/<int:pk>/": (Sample("/admin/sessions/delete/{open_session_id}/", administrators(OK)),),
    "admin/sessions/history/<int:pk>/": (Sample("/admin/sessions/history/{open_session_id}/", coordinators(OK)),),
    "admin/sessions/history-results/<int:pk>/": (Sample("/admin/sessions/history-results/{open_session_id}/", coordinators(OK)),),
    "admin/sessions/usage/<int:pk>/": (Sample("/admin/sessions/usage/{open_session_id}/", coordinators(OK)),),
    "admin/sessions/<int:pk>/applications/": (
        Sample("/admin/sessions/{open_session_id}/applications/", coordinators(OK)),
        Sample("/admin/sessions/999999/applications/", coordinators(not_found_in_admin("/admin/sessions/999999/applications/"))),
        # a bulk decision with nothing ticked is refused on the page
        Sample("/admin/sessions/{open_session_id}/applications/", coordinators(BAD_REQUEST), method="post", data={"decision": "approved"}),
    ),
    "admin/sessions/<int:pk>/enrol/": (
        Sample("/admin/sessions/{open_session_id}/enrol/", coordinators(OK)),
        # a confirmation without a checked file goes back to the upload
        Sample(
            "/admin/sessions/{open_session_id}/enrol/",
            coordinators(redirect("/admin/sessions/{open_session_id}/enrol/")),
            method="post",
            data={"confirm": "yes"},
        ),
    ),
    # Surveys (assessments viewsets and pages)
    "admin/surveys/instruments/": (Sample("/admin/surveys/instruments/", coordinators(OK)),),
    "admin/surveys/instruments/results/": (Sample("/admin/surveys/instruments/results/", coordinators(OK)),),
    "admin/surveys/instruments/new/": (Sample("/admin/surveys/instruments/new/", coordinators(OK)),),
    "admin/surveys/instruments/edit/<int:pk>/": (Sample("/admin/surveys/instruments/edit/{instrument_id}/", coordinators(OK)),),
    # an instrument a round uses is not deleted: the page sends back to its edit form
    "admin/surveys/instruments/delete/<int:pk>/": (
        Sample(
            "/admin/surveys/instruments/delete/{instrument_id}/",
            by_role(
                **_SIGNED_OUT_OF_ADMIN,
                trainer=redirect("/admin/surveys/instruments/edit/{instrument_id}/"),
                coordinator=redirect("/admin/surveys/instruments/edit/{instrument_id}/"),
                administrator=redirect("/admin/surveys/instruments/edit/{instrument_id}/"),
            ),
        ),
    ),
    "admin/surveys/instruments/history/<int:pk>/": (Sample("/admin/surveys/instruments/history/{instrument_id}/", coordinators(OK)),),
    "admin/surveys/instruments/history-results/<int:pk>/": (
        Sample("/admin/surveys/instruments/history-results/{instrument_id}/", coordinators(OK)),
    ),
    "admin/surveys/instruments/usage/<int:pk>/": (Sample("/admin/surveys/instruments/usage/{instrument_id}/", coordinators(OK)),),
    "admin/surveys/instruments/inspect/<int:pk>/": (Sample("/admin/surveys/instruments/inspect/{instrument_id}/", coordinators(OK)),),
    "admin/surveys/instruments/new-version/<int:pk>/": (
        Sample("/admin/surveys/instruments/new-version/{instrument_id}/", coordinators(OK)),
        Sample(
            "/admin/surveys/instruments/new-version/999999/",
            coordinators(not_found_in_admin("/admin/surveys/instruments/new-version/999999/")),
        ),
        Sample("/admin/surveys/instruments/new-version/{instrument_id}/", coordinators(NOT_ALLOWED, trainer=NOT_ALLOWED), method="put"),
    ),
    "admin/surveys/rounds/": (Sample("/admin/surveys/rounds/", coordinators(OK)),),
    "admin/surveys/rounds/results/": (Sample("/admin/surveys/rounds/results/", coordinators(OK)),),
    "admin/surveys/rounds/new/": (Sample("/admin/surveys/rounds/new/", coordinators(OK)),),
    "admin/surveys/rounds/edit/<int:pk>/": (Sample("/admin/surveys/rounds/edit/{survey_round_id}/", coordinators(OK)),),
    "admin/surveys/rounds/delete/<int:pk>/": (Sample("/admin/surveys/rounds/delete/{survey_round_id}/", administrators(OK)),),
    "admin/surveys/rounds/history/<int:pk>/": (Sample("/admin/surveys/rounds/history/{survey_round_id}/", coordinators(OK)),),
    "admin/surveys/rounds/history-results/<int:pk>/": (
        Sample("/admin/surveys/rounds/history-results/{survey_round_id}/", coordinators(OK)),
    ),
    "admin/surveys/rounds/usage/<int:pk>/": (Sample("/admin/surveys/rounds/usage/{survey_round_id}/", coordinators(OK)),),
    "admin/surveys/rounds/<int:pk>/respondents/": (
        Sample("/admin/surveys/rounds/{survey_round_id}/respondents/", coordinators(OK)),
        Sample("/admin/surveys/rounds/999999/respondents/", coordinators(not_found_in_admin("/admin/surveys/rounds/999999/respondents/"))),
        # pasted lines that are not respondents are refused on the page
        Sample(
            "/admin/surveys/rounds/{survey_round_id}/respondents/",
            coordinators(BAD_REQUEST),
            method="post",
            data={"many-lines": "not a respondent"},
        ),
    ),
    "admin/surveys/rounds/<int:pk>/<str:action>/": (
        Sample(
            "/admin/surveys/rounds/{survey_round_id}/open/",
            by_role(**_SIGNED_OUT_OF_ADMIN, trainer=NOT_ALLOWED, coordinator=NOT_ALLOWED, administrator=NOT_ALLOWED),
        ),
        Sample(
            "/admin/surveys/rounds/{survey_round_id}/close/",
            coordinators(redirect("/admin/surveys/rounds/{survey_round_id}/respondents/")),
            method="post",
        ),
        Sample(
            "/admin/surveys/rounds/999999/close/", coordinators(not_found_in_admin("/admin/surveys/rounds/999999/close/")), method="post"
        ),
    ),
    "admin/surveys/results/": (Sample("/admin/surveys/results/", coordinators(OK)),),
    "admin/surveys/results/<int:instrument_id>/": (
        Sample("/admin/surveys/results/{instrument_id}/", coordinators(OK)),
        Sample("/admin/surveys/results/{instrument_id}/?country=nowhere", coordinators(BAD_REQUEST)),
        Sample("/admin/surveys/results/999999/", coordinators(not_found_in_admin("/admin/surveys/results/999999/"))),
    ),
    "admin/surveys/results/<int:instrument_id>/export/": (
        Sample("/admin/surveys/results/{instrument_id}/export/", coordinators(NOT_ALLOWED, trainer=NOT_ALLOWED)),
        Sample("/admin/surveys/results/{instrument_id}/export/", coordinators(BAD_REQUEST), method="post", data={"format": "doc"}),
    ),
    # a results export a coordinator asked for: its page and its file
    "admin/surveys/exports/<int:job_id>/": (
        Sample("/admin/surveys/exports/{results_export_job_id}/", job_page("/admin/surveys/exports/{results_export_job_id}/")),
        Sample("/admin/surveys/exports/{report_job_id}/", job_page("/admin/surveys/exports/{report_job_id}/", found=False)),
    ),
    "admin/surveys/exports/<int:job_id>/download/": (
        Sample(
            "/admin/surveys/exports/{done_results_export_job_id}/download/",
            job_page("/admin/surveys/exports/{done_results_export_job_id}/download/"),
        ),
        Sample(
            "/admin/surveys/exports/{results_export_job_id}/download/",
            job_page("/admin/surveys/exports/{results_export_job_id}/download/", found=False),
        ),
    ),
    # The priority matrix: coordinators and administrators only
    "admin/matrix/": (
        Sample("/admin/matrix/", coordinators(OK)),
        Sample("/admin/matrix/?format=csv", coordinators(OK)),
        Sample("/admin/matrix/?snapshot=999999", coordinators(BAD_REQUEST)),
    ),
    "admin/matrix/summary/": (Sample("/admin/matrix/summary/", coordinators(OK)),),
    "admin/matrix/delivery/": (Sample("/admin/matrix/delivery/", coordinators(OK)),),
    "admin/matrix/compare/": (Sample("/admin/matrix/compare/", coordinators(OK)),),
    "admin/matrix/recompute/": (
        Sample("/admin/matrix/recompute/", coordinators(OK)),
        Sample("/admin/matrix/recompute/", coordinators(BAD_REQUEST), method="post"),
    ),
    "admin/matrix/baseline/": (
        Sample("/admin/matrix/baseline/", coordinators(NOT_ALLOWED)),
        Sample("/admin/matrix/baseline/", coordinators(redirect("/admin/matrix/")), method="post"),
    ),
    "admin/matrix/snapshots/": (Sample("/admin/matrix/snapshots/", coordinators(OK)),),
    "admin/matrix/snapshots/<int:snapshot_id>/": (
        Sample("/admin/matrix/snapshots/{snapshot_id}/", coordinators(OK)),
        Sample("/admin/matrix/snapshots/999999/", coordinators(not_found_in_admin("/admin/matrix/snapshots/999999/"))),
    ),
    "admin/matrix/cells/<int:cell_id>/": (
        Sample("/admin/matrix/cells/{cell_id}/", coordinators(OK)),
        Sample("/admin/matrix/cells/{cell_id}/?format=csv", coordinators(OK)),
        Sample("/admin/matrix/cells/999999/", coordinators(not_found_in_admin("/admin/matrix/cells/999999/"))),
        # an override without a justification changes nothing
        Sample("/admin/matrix/cells/{cell_id}/", coordinators(BAD_REQUEST), method="post", data={"state": "value", "value": "2"}),
    ),
    "admin/matrix/reports/": (Sample("/admin/matrix/reports/", coordinators(OK)),),
    "admin/matrix/reports/pdf/": (
        Sample("/admin/matrix/reports/pdf/", coordinators(NOT_ALLOWED, trainer=NOT_ALLOWED)),
        Sample("/admin/matrix/reports/pdf/", coordinators(BAD_REQUEST), method="post", data={"snapshot": "999999", "language": "en"}),
    ),
    "admin/matrix/reports/donor-pack/": (
        Sample(
            "/admin/matrix/reports/donor-pack/",
            coordinators(BAD_REQUEST),
            method="post",
            data={"date_from": "2026-12-31", "date_to": "2026-01-01", "file_format": "xlsx"},
        ),
    ),
    # a report a coordinator asked for: its page and its file
    "admin/matrix/reports/jobs/<int:job_id>/": (
        Sample("/admin/matrix/reports/jobs/{report_job_id}/", job_page("/admin/matrix/reports/jobs/{report_job_id}/")),
        Sample(
            "/admin/matrix/reports/jobs/{results_export_job_id}/",
            job_page("/admin/matrix/reports/jobs/{results_export_job_id}/", found=False),
        ),
    ),
    "admin/matrix/reports/jobs/<int:job_id>/download/": (
        Sample(
            "/admin/matrix/reports/jobs/{done_report_job_id}/download/",
            job_page("/admin/matrix/reports/jobs/{done_report_job_id}/download/"),
        ),
        Sample(
            "/admin/matrix/reports/jobs/{report_job_id}/download/",
            job_page("/admin/matrix/reports/jobs/{report_job_id}/download/", found=False),
        ),
    ),
    # People (people viewsets): organisations and the e-mail log
    "admin/organisations/": (Sample("/admin/organisations/", coordinators(OK)),),
    "admin/organisations/results/": (Sample("/admin/organisations/results/", coordinators(OK)),),
    "admin/organisations/new/": (Sample("/admin/organisations/new/", coordinators(OK)),),
    "admin/organisations/edit/<int:pk>/": (Sample("/admin/organisations/edit/{organisation_id}/", coordinators(OK)),),
    "admin/organisations/delete/<int:pk>/": (Sample("/admin/organisations/delete/{organisation_id}/", administrators(OK)),),
    "admin/organisations/history/<int:pk>/": (Sample("/admin/organisations/history/{organisation_id}/", coordinators(OK)),),
    "admin/organisations/history-results/<int:pk>/": (Sample("/admin/organisations/history-results/{organisation_id}/", coordinators(OK)),),
    "admin/organisations/usage/<int:pk>/": (Sample("/admin/organisations/usage/{organisation_id}/", coordinators(OK)),),
    "admin/organisations/inspect/<int:pk>/": (Sample("/admin/organisations/inspect/{organisation_id}/", coordinators(OK)),),
    # Wagtail's user management with our profile fields; deleting a person erases them (people/erasure.py)
    "admin/users/": (Sample("/admin/users/", coordinators(OK)),),
    "admin/users/results/": (Sample("/admin/users/results/", coordinators(OK)),),
    "admin/users/edit/<int:pk>/": (Sample("/admin/users/edit/{other_user_id}/", administrators(OK)),),
    "admin/users/delete/<int:pk>/": (Sample("/admin/users/delete/{other_user_id}/", administrators(OK)),),
    "admin/email-log/": (Sample("/admin/email-log/", coordinators(OK)),),
    "admin/email-log/results/": (Sample("/admin/email-log/results/", coordinators(OK)),),
    "admin/email-log/inspect/<int:pk>/": (
        Sample("/admin/email-log/inspect/{email_id}/", coordinators(OK)),
        Sample(
            "/admin/email-log/inspect/999999/",
            coordinators(
                not_found_in_admin("/admin/email-log/inspect/999999/"), trainer=not_found_in_admin("/admin/email-log/inspect/999999/")
            ),
        ),
    ),
    # The expert roster (experts viewset): coordinators vet, match, invite, import and export
    "admin/roster/": (Sample("/admin/roster/", coordinators(OK)),),
    "admin/roster/results/": (Sample("/admin/roster/results/", coordinators(OK)),),
    "admin/roster/inspect/<int:pk>/": (Sample("/admin/roster/inspect/{vetted_expert_id}/", coordinators(OK)),),
    "admin/roster/status/<int:pk>/": (
        Sample("/admin/roster/status/{applied_expert_id}/", coordinators(OK)),
        Sample("/admin/roster/status/999999/", coordinators(not_found_in_admin("/admin/roster/status/999999/"))),
        # a decision without a reason is shown again with its error
        Sample("/admin/roster/status/{applied_expert_id}/", coordinators(OK), method="post", data={"status": "vetted"}),
    ),
    "admin/roster/cv/<int:pk>/": (
        Sample("/admin/roster/cv/{vetted_expert_id}/", coordinators(OK)),
        Sample("/admin/roster/cv/{expert_without_cv_id}/", coordinators(not_found_in_admin("/admin/roster/cv/{expert_without_cv_id}/"))),
    ),
    "admin/roster/match/": (
        Sample("/admin/roster/match/", coordinators(OK)),
        Sample("/admin/roster/match/?module={module_id}", coordinators(OK)),
    ),
    "admin/roster/invite/": (
        Sample("/admin/roster/invite/", coordinators(redirect("/admin/roster/match/"))),
        Sample("/admin/roster/invite/", coordinators(redirect("/admin/roster/match/")), method="post"),
    ),
    "admin/roster/import/": (
        Sample("/admin/roster/import/", coordinators(OK)),
        # an upload that is not a spreadsheet is answered on the form
        Sample("/admin/roster/import/", coordinators(OK), method="post"),
    ),
    "admin/roster/export/": (
        Sample("/admin/roster/export/", coordinators(OK)),
        Sample("/admin/roster/export/?format=csv", coordinators(OK)),
    ),
}

URL_TABLE.update(ADMIN_TABLE)

# Third-party trees: route prefix -> samples standing for the whole tree. Only Wagtail's own pages may stand
# under a prefix: a pattern whose view is the project's needs its own entry in URL_TABLE.
PREFIX_RULES: dict[str, tuple[Sample, ...]] = {
    # Wagtail's admin: editors (trainers, coordinators, administrators) only; the rest by permission.
    "admin/": (
        Sample("/admin/", by_role(**_SIGNED_OUT_OF_ADMIN, trainer=OK, coordinator=OK, administrator=OK)),
        Sample("/admin/pages/", administrators(OK)),
        Sample("/admin/users/new/", administrators(OK)),
        Sample("/admin/groups/", administrators(OK)),
        Sample("/admin/documents/", by_role(**_SIGNED_OUT_OF_ADMIN, trainer=OK, coordinator=OK, administrator=OK)),
    ),
    # Wagtail's document serving: documents in public collections are public.
    "documents/": (
        Sample("/documents/{document_id}/handbook.pdf", everyone(OK)),
        Sample("/documents/{document_id}/another-name.pdf", everyone(NOT_FOUND)),
        Sample("/documents/999999/missing.pdf", everyone(NOT_FOUND)),
        # the view's 404 makes LocaleMiddleware try the language-prefixed path (the page catch-all)
        Sample("/documents/authenticate_with_password/999999/", everyone(redirect("/az/documents/authenticate_with_password/999999/"))),
    ),
}

# The project's own code: a view defined in these packages, or an admin viewset one of their wagtail_hooks registers.
PROJECT_PACKAGES = frozenset({"people", "curriculum", "assessments", "experts", "home", "config"})


def _is_project_code(thing: object) -> bool:
    return getattr(thing, "__module__", "").split(".")[0] in PROJECT_PACKAGES


def _project_viewset_namespaces() -> set[str]:
    """URL namespaces of the admin viewsets our apps register (a group stands for its members)."""
    from wagtail import hooks
    from wagtail.admin.viewsets.base import ViewSetGroup

    namespaces: set[str] = set()
    for register in hooks.get_hooks("register_admin_viewset"):
        if not _is_project_code(register):
            continue
        registered = register()
        for viewset in registered if isinstance(registered, list | tuple) else [registered]:
            members = viewset.registerables if isinstance(viewset, ViewSetGroup) else [viewset]
            namespaces.update(member.url_namespace for member in members)
    return namespaces


def _piece(pattern: object) -> str:
    if isinstance(pattern, LocalePrefixPattern):
        return "<lang>/"
    return str(pattern).removeprefix("^").removesuffix("$")


def _walk(patterns: list[URLPattern | URLResolver], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, object]]:
    """(route, namespace, view) of every pattern under `patterns`."""
    for entry in patterns:
        route = prefix + _piece(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, route, entry.namespace or namespace)
        else:
            yield route, namespace, getattr(entry.callback, "view_class", entry.callback)


def project_url_patterns() -> list[str]:
    """Every URL pattern of the project as a route string, in resolver order, without duplicates."""
    return list(dict.fromkeys(route for route, _namespace, _view in _walk(get_resolver().url_patterns)))


def project_owned_url_patterns() -> list[str]:
    """The patterns whose view is the project's own: defined in our apps, or in an admin viewset our apps register."""
    namespaces = _project_viewset_namespaces()
    owned = (route for route, namespace, view in _walk(get_resolver().url_patterns) if _is_project_code(view) or namespace in namespaces)
    return list(dict.fromkeys(owned))


def _owning_prefix(route: str) -> str | None:
    return next((prefix for prefix in PREFIX_RULES if route.startswith(prefix)), None)


def _language_of(url: str) -> str:
    first = url.lstrip("/").split("/", 1)[0]
    return first if first in LANGUAGE_CODES else settings.LANGUAGE_CODE


def _resolved_route(url: str) -> str:
    """The route string (as `project_url_patterns` writes it) of the pattern a URL resolves to."""
    path = urlparse(url).path
    language = _language_of(url)
    with translation.override(language):
        route = resolve(path).route
    if path.startswith(f"/{language}/"):
        route = "<lang>/" + route.removeprefix(f"{language}/")
    return route.removeprefix("^").removesuffix("$")


def _placeholders(url: str) -> list[str]:
    return [name for _text, name, _spec, _conv in string.Formatter().parse(url) if name]


def _samples() -> Iterator[object]:
    for entries in (*URL_TABLE.values(), *PREFIX_RULES.values()):
        for sample in entries:
            method = f" {sample.method.upper()}" if sample.method != "get" else ""
            yield pytest.param(sample, id=f"{sample.url}{method}")


def test_every_url_pattern_is_classified():
    unclassified = [route for route in project_url_patterns() if route not in URL_TABLE and _owning_prefix(route) is None]

    assert not unclassified, (
        "These URL patterns have no entry in tests/test_url_access.py: add each to URL_TABLE "
        "(or, for a third-party tree, to PREFIX_RULES) with sample URLs and the outcome for every role:\n  " + "\n  ".join(unclassified)
    )


def test_every_project_owned_url_pattern_has_its_own_entry():
    covered_by_a_prefix_only = [route for route in project_owned_url_patterns() if route not in URL_TABLE]

    assert not covered_by_a_prefix_only, (
        "These URL patterns are the project's own (their view lives in our apps, or in an admin viewset our apps register): "
        "a prefix rule does not cover them. Add each to URL_TABLE with sample URLs and the outcome for every role:\n  "
        + "\n  ".join(covered_by_a_prefix_only)
    )


def test_the_project_owned_patterns_include_the_admin_pages_our_apps_register():
    owned = set(project_owned_url_patterns())

    # one of each way in: a view of ours, a Wagtail view in a viewset of ours, a view added to a viewset of ours
    assert {"admin/matrix/", "admin/email-log/inspect/<int:pk>/", "admin/roster/export/", "<lang>/learning/"} <= owned
    # the accounts pages are ours since people.viewsets.UserViewSet replaced Wagtail's (erasure, e-mail secrets)
    assert "admin/users/" in owned
    assert "admin/pages/" not in owned
    assert "admin/images/" not in owned


def test_every_table_entry_is_still_a_url_pattern():
    patterns = set(project_url_patterns())

    stale = [route for route in URL_TABLE if route not in patterns]

    assert not stale, f"URL_TABLE lists patterns the project no longer has: {stale}"


def test_each_sample_url_exercises_the_pattern_it_is_listed_under():
    fill = dict.fromkeys(SAMPLE_NAMES, "1")
    wrong = []
    for route, samples in URL_TABLE.items():
        for sample in samples:
            resolved = _resolved_route(sample.url.format(**fill))
            if resolved != route:
                wrong.append(f"{sample.url} is listed under {route!r} but resolves to {resolved!r}")
    for prefix, samples in PREFIX_RULES.items():
        for sample in samples:
            resolved = _resolved_route(sample.url.format(**fill))
            if not resolved.startswith(prefix) or resolved in URL_TABLE:
                wrong.append(f"{sample.url} stands for the {prefix!r} tree but resolves to {resolved!r}")

    assert not wrong, "\n".join(wrong)


@pytest.fixture(scope="module")
def shared(django_db_setup: None, django_db_blocker: DjangoDbBlocker, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The site, one user per role and every sample object, made once for the module inside a transaction that is
    rolled back after its last test; each test runs in a savepoint of its own on top, so no test's changes reach the next.
    Documents need real files for Wagtail to serve them, so the default storage is a folder for the module."""
    media = override_settings(
        MEDIA_ROOT=tmp_path_factory.mktemp("media"),
        STORAGES={**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}},
    )
    media.enable()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            people_services.reference_data_load()
            people_services.roles_sync()
            home_demo.load()
            users = _users()
            values = build_samples(users)
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            media.disable()
            raise
    yield {"users": users, "values": values}
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
    media.disable()


@pytest.mark.parametrize("sample", list(_samples()))
def test_each_role_gets_the_expected_response(shared, db, sample):
    values = {name: shared["values"][name] for name in _placeholders(sample.url)}
    url = sample.url.format(**values)
    mismatches = []
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            client.force_login(shared["users"][role])

        response = getattr(client, sample.method)(url, sample.data)

        redirected = response.status_code in {301, 302, 303, 307, 308}
        actual = Outcome(response.status_code, urlparse(response["Location"]).path if redirected else "")
        expected = sample.expected[role]
        # an expected redirect may name the ids of the sample's URL
        expected = Outcome(expected.status, expected.location.format(**values))
        if actual != expected:
            mismatches.append(f"{role}: got {actual}, expected {expected}")

    assert not mismatches, f"{sample.method.upper()} {url}\n  " + "\n  ".join(mismatches)
