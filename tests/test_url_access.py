"""Who may open which URL: every URL pattern of the project, requested as each role.

How it works:
- `project_url_patterns()` walks Django's URL resolver and lists every pattern as a route string, the
  language prefix shown as "<lang>/" (e.g. "<lang>/accounts/login/"; regular expressions without ^/$).
- `URL_TABLE` classifies a pattern exactly: sample URLs, and for each what every role gets.
- `PREFIX_RULES` cover big third-party trees (Wagtail's admin, documents) with a few samples each.
- A pattern that is in neither fails `test_every_url_pattern_is_classified`.

Adding a URL: add an entry to `URL_TABLE` under its route string (the failing test prints it) with one
or more `Sample`s. A sample URL may carry "{placeholders}" filled by `SAMPLE_VALUES` (objects the URL
needs, e.g. a document id). Expected outcomes: `OK`, `NOT_FOUND`, `FORBIDDEN`, `NOT_ALLOWED`,
`redirect(path)` (the Location's path is compared, query string ignored), `LOGIN_EN` / `LOGIN_AZ`.
Helpers `everyone(...)` and `signed_out_vs_in(...)` build the role-to-outcome mapping.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import LocalePrefixPattern
from django.utils import translation
from wagtail.documents import get_document_model

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


# Objects a sample URL needs, by placeholder name. Each builder runs inside the test's database.
def _public_document_id() -> int:
    document = get_document_model().objects.create(title="RTCM handbook", file=ContentFile(b"%PDF-1.4 handbook", name="handbook.pdf"))
    return document.pk


def _expert_id(status: str) -> int:
    from tests.factories.experts import ExpertProfileFactory

    return ExpertProfileFactory(status=status, user__email=f"{status}.expert@example.org").pk


def _the_expert_profile() -> object:
    """The vetted profile of the `expert` role's user, made on first use."""
    from experts.models import ExpertProfile
    from tests.factories.experts import ExpertProfileFactory

    return ExpertProfile.objects.filter(user__email="expert@example.org").first() or ExpertProfileFactory(user__email="expert@example.org")


def _invitation_of_the_expert() -> int:
    """An invitation sent to the `expert` role's user (the one this module's `expert` fixture makes)."""
    from experts.models import Invitation
    from tests.factories.curriculum import CurriculumIndexPageFactory, CurriculumPartPageFactory, ModulePageFactory

    module = ModulePageFactory(parent=CurriculumPartPageFactory(parent=CurriculumIndexPageFactory()))
    return Invitation.objects.create(expert=_the_expert_profile(), module=module).pk


def _module_id() -> int:
    from tests.factories.curriculum import CurriculumIndexPageFactory, CurriculumPartPageFactory, ModulePageFactory

    return ModulePageFactory(parent=CurriculumPartPageFactory(parent=CurriculumIndexPageFactory(slug="curriculum-m"))).pk


def _session_id(status: str = "open") -> int:
    from tests.factories.curriculum import TrainingSessionFactory

    return TrainingSessionFactory(module=_module(), status=status).pk


def _module() -> object:
    from curriculum.models import ModulePage
    from tests.factories.curriculum import CurriculumIndexPageFactory, CurriculumPartPageFactory, ModulePageFactory

    existing = ModulePage.objects.filter(code="URL1").first()
    if existing is not None:
        return existing
    return ModulePageFactory(code="URL1", parent=CurriculumPartPageFactory(parent=CurriculumIndexPageFactory(slug="curriculum-s")))


def _trainee_application_id() -> int:
    """An application of the `trainee` role's user (made here first, so the fixture finds it)."""
    from curriculum.models import SessionApplication, TrainingSession
    from people.models import User
    from tests.factories.people import UserFactory

    trainee = User.objects.filter(email="trainee@example.org").first() or UserFactory(role="trainee", email="trainee@example.org")
    session = TrainingSession.objects.get(pk=_session_id())
    return SessionApplication.objects.create(session=session, trainee=trainee, motivation="For the URL table.").pk


def _certificate_code(revoked: bool = False) -> str:
    """A certificate on the `trainee` role's application (no file yet: the download renders it)."""
    from django.utils import timezone

    from curriculum.models import Certificate, SessionApplication

    application = SessionApplication.objects.get(pk=_trainee_application_id())
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


def _survey_round() -> object:
    """An open round with one questionnaire (made once)."""
    from assessments.models import Round
    from tests.factories.assessments import RoundFactory, sample_instrument

    existing = Round.objects.filter(title_en="URL table round").first()
    if existing is not None:
        return existing
    survey_round = RoundFactory(title_en="URL table round")
    survey_round.instruments.add(sample_instrument())
    return survey_round


def _survey_token() -> str:
    """A personal link of the open round."""
    from tests.factories.assessments import RespondentFactory

    survey_round = _survey_round()
    return RespondentFactory(round=survey_round, instrument=survey_round.instruments.get()).token


def _ended_session_id(*, closed: bool = False) -> int:
    """A session that ended today (its evaluation open; `closed`: 40 days ago) with the `trainee` role's user
    confirmed, the `trainer` role's user teaching it, and a default evaluation."""
    import datetime

    from django.utils import timezone

    from assessments.models import Instrument, Purpose
    from curriculum.models import ApplicationStatus, SessionApplication
    from people.models import User
    from tests.factories.assessments import sample_instrument
    from tests.factories.curriculum import TrainingSessionFactory
    from tests.factories.people import UserFactory

    end = timezone.localdate() - datetime.timedelta(days=40 if closed else 0)
    session = TrainingSessionFactory(
        module=_module(), start_date=end - datetime.timedelta(days=1), end_date=end, application_deadline=end - datetime.timedelta(days=5)
    )
    trainee = User.objects.filter(email="trainee@example.org").first() or UserFactory(role="trainee", email="trainee@example.org")
    trainer = User.objects.filter(email="trainer@example.org").first() or UserFactory(role="trainer", email="trainer@example.org")
    session.trainers.add(trainer)
    SessionApplication.objects.create(session=session, trainee=trainee, status=ApplicationStatus.APPROVED, motivation="URL table.")
    if not Instrument.objects.filter(purpose=Purpose.SESSION_EVALUATION, is_default=True).exists():
        sample_instrument(purpose=Purpose.SESSION_EVALUATION, is_anonymous=True, is_default=True, required=False)
    return session.pk


def _instrument_id() -> int:
    return _survey_round().instruments.get().pk


SAMPLE_VALUES: dict[str, Callable[[], object]] = {
    "survey_token": _survey_token,
    "survey_round_id": lambda: _survey_round().pk,
    "instrument_id": _instrument_id,
    "ended_session_id": _ended_session_id,
    "closed_session_id": lambda: _ended_session_id(closed=True),
    "document_id": _public_document_id,
    "vetted_expert_id": lambda: _expert_id("vetted"),
    "applied_expert_id": lambda: _expert_id("applied"),
    "expert_invitation_id": _invitation_of_the_expert,
    "module_id": _module_id,
    "open_session_id": _session_id,
    "draft_session_id": lambda: _session_id("draft"),
    "trainee_application_id": _trainee_application_id,
    "certificate_code": _certificate_code,
    "revoked_certificate_code": lambda: _certificate_code(revoked=True),
}

BAD_KEY = "not-a-valid-key"


# Exact patterns: route string -> samples.
def _own_application(trainee: Outcome) -> dict[str, Outcome]:
    """The trainee's own application: theirs to act on; a 404 for every other account."""
    return by_role(anonymous=LOGIN_EN, trainee=trainee, expert=NOT_FOUND, trainer=NOT_FOUND, coordinator=NOT_FOUND, administrator=NOT_FOUND)


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
            "/en/sessions/{open_session_id}/apply/",
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

# Third-party trees: route prefix -> samples standing for the whole tree.
PREFIX_RULES: dict[str, tuple[Sample, ...]] = {
    # Wagtail's admin: editors (trainers, coordinators, administrators) only; the rest by permission.
    "admin/": (
        Sample("/admin/", by_role(**_SIGNED_OUT_OF_ADMIN, trainer=OK, coordinator=OK, administrator=OK)),
        Sample("/admin/pages/", by_role(**_SIGNED_OUT_OF_ADMIN, trainer=ADMIN_HOME, coordinator=ADMIN_HOME, administrator=OK)),
        Sample("/admin/organisations/", by_role(**_SIGNED_OUT_OF_ADMIN, trainer=ADMIN_HOME, coordinator=OK, administrator=OK)),
        Sample("/admin/email-log/", by_role(**_SIGNED_OUT_OF_ADMIN, trainer=ADMIN_HOME, coordinator=OK, administrator=OK)),
        Sample("/admin/users/", by_role(**_SIGNED_OUT_OF_ADMIN, trainer=ADMIN_HOME, coordinator=OK, administrator=OK)),
        Sample("/admin/users/new/", by_role(**_SIGNED_OUT_OF_ADMIN, trainer=ADMIN_HOME, coordinator=ADMIN_HOME, administrator=OK)),
        Sample("/admin/groups/", by_role(**_SIGNED_OUT_OF_ADMIN, trainer=ADMIN_HOME, coordinator=ADMIN_HOME, administrator=OK)),
        Sample("/admin/roster/", by_role(**_SIGNED_OUT_OF_ADMIN, trainer=ADMIN_HOME, coordinator=OK, administrator=OK)),
        Sample(
            "/admin/roster/status/{applied_expert_id}/",
            by_role(**_SIGNED_OUT_OF_ADMIN, trainer=ADMIN_HOME, coordinator=OK, administrator=OK),
        ),
        Sample(
            "/admin/roster/cv/{vetted_expert_id}/", by_role(**_SIGNED_OUT_OF_ADMIN, trainer=ADMIN_HOME, coordinator=OK, administrator=OK)
        ),
        Sample("/admin/roster/match/", by_role(**_SIGNED_OUT_OF_ADMIN, trainer=ADMIN_HOME, coordinator=OK, administrator=OK)),
        Sample(
            "/admin/roster/match/?module={module_id}", by_role(**_SIGNED_OUT_OF_ADMIN, trainer=ADMIN_HOME, coordinator=OK, administrator=OK)
        ),
        Sample(
            "/admin/roster/invite/",
            by_role(
                **_SIGNED_OUT_OF_ADMIN,
                trainer=ADMIN_HOME,
                coordinator=redirect("/admin/roster/match/"),
                administrator=redirect("/admin/roster/match/"),
            ),
            method="post",
        ),
        Sample("/admin/roster/import/", by_role(**_SIGNED_OUT_OF_ADMIN, trainer=ADMIN_HOME, coordinator=OK, administrator=OK)),
        # an upload that is not a spreadsheet is answered on the form
        Sample(
            "/admin/roster/import/", by_role(**_SIGNED_OUT_OF_ADMIN, trainer=ADMIN_HOME, coordinator=OK, administrator=OK), method="post"
        ),
        Sample("/admin/roster/export/?format=csv", by_role(**_SIGNED_OUT_OF_ADMIN, trainer=ADMIN_HOME, coordinator=OK, administrator=OK)),
        Sample("/admin/sessions/", by_role(**_SIGNED_OUT_OF_ADMIN, trainer=ADMIN_HOME, coordinator=OK, administrator=OK)),
        Sample("/admin/sessions/new/", by_role(**_SIGNED_OUT_OF_ADMIN, trainer=ADMIN_HOME, coordinator=OK, administrator=OK)),
        Sample(
            "/admin/sessions/edit/{open_session_id}/", by_role(**_SIGNED_OUT_OF_ADMIN, trainer=ADMIN_HOME, coordinator=OK, administrator=OK)
        ),
        Sample(
            "/admin/sessions/{open_session_id}/applications/",
            by_role(**_SIGNED_OUT_OF_ADMIN, trainer=ADMIN_HOME, coordinator=OK, administrator=OK),
        ),
        Sample(
            "/admin/sessions/{open_session_id}/enrol/",
            by_role(**_SIGNED_OUT_OF_ADMIN, trainer=ADMIN_HOME, coordinator=OK, administrator=OK),
        ),
        # a bulk decision with nothing ticked is refused on the page
        Sample(
            "/admin/sessions/{open_session_id}/applications/",
            by_role(**_SIGNED_OUT_OF_ADMIN, trainer=ADMIN_HOME, coordinator=Outcome(400), administrator=Outcome(400)),
            method="post",
            data={"decision": "approved"},
        ),
        Sample("/admin/documents/", by_role(**_SIGNED_OUT_OF_ADMIN, trainer=OK, coordinator=OK, administrator=OK)),
        # The priority matrix: coordinators and administrators only
        Sample("/admin/matrix/", by_role(**_SIGNED_OUT_OF_ADMIN, trainer=ADMIN_HOME, coordinator=OK, administrator=OK)),
        Sample("/admin/matrix/delivery/", by_role(**_SIGNED_OUT_OF_ADMIN, trainer=ADMIN_HOME, coordinator=OK, administrator=OK)),
        Sample("/admin/matrix/?format=csv", by_role(**_SIGNED_OUT_OF_ADMIN, trainer=ADMIN_HOME, coordinator=OK, administrator=OK)),
        Sample("/admin/matrix/reports/", by_role(**_SIGNED_OUT_OF_ADMIN, trainer=ADMIN_HOME, coordinator=OK, administrator=OK)),
        Sample(
            "/admin/matrix/reports/donor-pack/",
            by_role(**_SIGNED_OUT_OF_ADMIN, trainer=ADMIN_HOME, coordinator=Outcome(400), administrator=Outcome(400)),
            method="post",
            data={"date_from": "2026-12-31", "date_to": "2026-01-01", "file_format": "xlsx"},
        ),
        # Surveys: coordinators author instruments, run rounds and read results
        Sample("/admin/surveys/instruments/", by_role(**_SIGNED_OUT_OF_ADMIN, trainer=ADMIN_HOME, coordinator=OK, administrator=OK)),
        Sample(
            "/admin/surveys/instruments/edit/{instrument_id}/",
            by_role(**_SIGNED_OUT_OF_ADMIN, trainer=ADMIN_HOME, coordinator=OK, administrator=OK),
        ),
        Sample("/admin/surveys/rounds/", by_role(**_SIGNED_OUT_OF_ADMIN, trainer=ADMIN_HOME, coordinator=OK, administrator=OK)),
        Sample(
            "/admin/surveys/rounds/{survey_round_id}/respondents/",
            by_role(**_SIGNED_OUT_OF_ADMIN, trainer=ADMIN_HOME, coordinator=OK, administrator=OK),
        ),
        Sample(
            "/admin/surveys/rounds/{survey_round_id}/open/",
            by_role(**_SIGNED_OUT_OF_ADMIN, trainer=NOT_ALLOWED, coordinator=NOT_ALLOWED, administrator=NOT_ALLOWED),
        ),
        Sample("/admin/surveys/results/", by_role(**_SIGNED_OUT_OF_ADMIN, trainer=ADMIN_HOME, coordinator=OK, administrator=OK)),
        Sample(
            "/admin/surveys/results/{instrument_id}/",
            by_role(**_SIGNED_OUT_OF_ADMIN, trainer=ADMIN_HOME, coordinator=OK, administrator=OK),
        ),
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


def _piece(pattern: object) -> str:
    if isinstance(pattern, LocalePrefixPattern):
        return "<lang>/"
    return str(pattern).removeprefix("^").removesuffix("$")


def _walk(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[str]:
    for entry in patterns:
        route = prefix + _piece(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, route)
        else:
            yield route


def project_url_patterns() -> list[str]:
    """Every URL pattern of the project as a route string, in resolver order, without duplicates."""
    return list(dict.fromkeys(_walk(get_resolver().url_patterns)))


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


def test_every_table_entry_is_still_a_url_pattern():
    patterns = set(project_url_patterns())

    stale = [route for route in URL_TABLE if route not in patterns]

    assert not stale, f"URL_TABLE lists patterns the project no longer has: {stale}"


def test_each_sample_url_exercises_the_pattern_it_is_listed_under():
    fill = dict.fromkeys(SAMPLE_VALUES, "1")
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


@pytest.fixture
def trainee(reference_data):
    """The trainee role's user (a sample may have made it already, to give it an application)."""
    from people.models import User
    from tests.factories.people import UserFactory

    return User.objects.filter(email="trainee@example.org").first() or UserFactory(role="trainee", email="trainee@example.org")


@pytest.fixture
def trainer(reference_data):
    """The trainer role's user (a sample may have made it already, to put it on a session)."""
    from people.models import User
    from tests.factories.people import UserFactory

    return User.objects.filter(email="trainer@example.org").first() or UserFactory(role="trainer", email="trainer@example.org")


@pytest.fixture
def expert(reference_data):
    """The expert role's user, with a vetted profile, so their own pages answer."""
    return _the_expert_profile().user


@pytest.fixture
def media_on_disk(settings, tmp_path):
    """Documents need real files for Wagtail to serve them."""
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}


@pytest.mark.parametrize("sample", list(_samples()))
def test_each_role_gets_the_expected_response(site, media_on_disk, sample, request):
    values = {name: SAMPLE_VALUES[name]() for name in _placeholders(sample.url)}
    url = sample.url.format(**values)
    mismatches = []
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            client.force_login(request.getfixturevalue(role))

        response = getattr(client, sample.method)(url, sample.data)

        redirected = response.status_code in {301, 302, 303, 307, 308}
        actual = Outcome(response.status_code, urlparse(response["Location"]).path if redirected else "")
        expected = sample.expected[role]
        # an expected redirect may name the ids of the sample's URL
        expected = Outcome(expected.status, expected.location.format(**values))
        if actual != expected:
            mismatches.append(f"{role}: got {actual}, expected {expected}")

    assert not mismatches, f"{sample.method.upper()} {url}\n  " + "\n  ".join(mismatches)
