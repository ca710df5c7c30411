"""A coordinator invites ranked experts to teach a module; the expert accepts or declines on the site."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from curriculum.models import ThematicChapter
from experts import services
from experts.models import ExpertStatus, Invitation, InvitationStatus
from people.models import Language
from tests.factories.experts import ExpertProfileFactory
from tests.factories.people import UserFactory


@pytest.fixture
def aygun(module):
    return ExpertProfileFactory(
        user__email="aygun@example.org", user__first_name="Aygün", user__preferred_language="ru", chapter_numbers=[13], public_bio=True
    )


def invite_through_the_admin(client, module, experts, message="Please join us in May."):
    return client.post(
        "/admin/roster/invite/",
        {
            "module": module.pk,
            "language": Language.objects.get(code="ru").pk,
            "experts": [expert.pk for expert in experts],
            "message": message,
            "query": f"module={module.pk}",
        },
    )


def test_the_match_page_ranks_experts_with_their_reasons(client, coordinator, module, aygun):
    client.force_login(coordinator)

    response = client.get("/admin/roster/match/", {"module": module.pk, "language": Language.objects.get(code="ru").pk})

    assert response.status_code == 200
    assert [match.expert for match in response.context["matches"]] == [aygun]
    assert "Aygün" in response.content.decode()


@pytest.mark.parametrize("params", [{"module": "x"}, {"module": "999999"}, {"module": "", "start": "2027-05-02", "end": "2027-05-01"}])
def test_bad_match_criteria_show_the_form_with_errors(client, coordinator, module, params):
    client.force_login(coordinator)

    response = client.get("/admin/roster/match/", params)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["matches"] == []


def test_inviting_creates_an_invitation_with_the_reasons_and_emails_the_expert_in_their_language(
    client, coordinator, module, aygun, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = invite_through_the_admin(client, module, [aygun])

    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.expert, invitation.module, invitation.invited_by, invitation.status) == (aygun, module, coordinator, "pending")
    assert invitation.score == pytest.approx(20 + 25)
    chapter = ThematicChapter.objects.get(number=13)
    with translation.override("ru"):
        in_russian = gettext("Lead expert in chapter %(number)s, %(name)s") % {"number": 13, "name": chapter.name}
    assert invitation.reasons[0] == in_russian != f"Lead expert in chapter 13, {chapter.name_en}"
    assert len(invitation.reasons) == 2
    assert [message.to for message in mail.outbox] == [["aygun@example.org"]]
    assert mail.outbox[0].subject.startswith("RTCM приглашает вас")
    assert f"/ru/experts/invitations/{invitation.pk}/" in mail.outbox[0].body
    assert "Please join us in May." in mail.outbox[0].body


def test_inviting_the_same_expert_twice_keeps_one_invitation(client, coordinator, module, aygun):
    client.force_login(coordinator)
    invite_through_the_admin(client, module, [aygun])

    invite_through_the_admin(client, module, [aygun])

    assert Invitation.objects.count() == 1


def test_a_paused_expert_is_not_invited(coordinator, module):
    paused = ExpertProfileFactory(status=ExpertStatus.PAUSED)

    outcome = services.expert_invite(module=module, experts=[paused], invited_by=coordinator)

    assert outcome.invited == []
    assert Invitation.objects.count() == 0


def test_inviting_without_ticking_anyone_says_so(client, coordinator, module):
    client.force_login(coordinator)

    response = invite_through_the_admin(client, module, [])

    assert response.status_code == 302
    assert Invitation.objects.count() == 0


def test_the_expert_accepts_becomes_a_trainer_of_the_module_and_the_coordinator_is_told(
    client, coordinator, module, aygun, django_capture_on_commit_callbacks
):
    invitation = services.expert_invite(module=module, experts=[aygun], invited_by=coordinator).invited[0]
    client.force_login(aygun.user)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/experts/invitations/{invitation.pk}/", {"answer": "accept"})

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED and invitation.responded_at is not None
    assert [message.to for message in mail.outbox] == [[coordinator.email]]
    page = client.get(module.url)
    assert page.context["trainers"] == [aygun]


def test_an_answered_invitation_cannot_be_answered_again(client, coordinator, module, aygun):
    invitation = services.expert_invite(module=module, experts=[aygun], invited_by=coordinator).invited[0]
    client.force_login(aygun.user)
    client.post(f"/en/experts/invitations/{invitation.pk}/", {"answer": "decline"})

    response = client.post(f"/en/experts/invitations/{invitation.pk}/", {"answer": "accept"})

    assert response.status_code == 409
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.DECLINED


def test_a_nonsense_answer_is_refused_cleanly(client, coordinator, module, aygun):
    invitation = services.expert_invite(module=module, experts=[aygun], invited_by=coordinator).invited[0]
    client.force_login(aygun.user)

    response = client.post(f"/en/experts/invitations/{invitation.pk}/", {"answer": "maybe"})

    assert response.status_code == 400
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING


@pytest.mark.parametrize("who", ["another_expert", "coordinator", "trainee"])
def test_nobody_but_the_invited_expert_sees_an_invitation(client, coordinator, trainee, module, aygun, who):
    invitation = services.expert_invite(module=module, experts=[aygun], invited_by=coordinator).invited[0]
    users = {"another_expert": ExpertProfileFactory().user, "coordinator": coordinator, "trainee": trainee}
    client.force_login(users[who])

    assert client.get(f"/en/experts/invitations/{invitation.pk}/").status_code == 404
    assert client.post(f"/en/experts/invitations/{invitation.pk}/", {"answer": "accept"}).status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING


def test_a_trainer_cannot_rank_or_invite(client, trainer, module, aygun):
    client.force_login(trainer)

    assert client.get("/admin/roster/match/", {"module": module.pk}).status_code in {302, 403}
    invite_through_the_admin(client, module, [aygun])
    assert Invitation.objects.count() == 0


def test_a_coordinator_who_left_still_has_the_invitations_answered(module, aygun):
    gone = UserFactory(role="coordinator", email="gone@example.org")
    invitation = services.expert_invite(module=module, experts=[aygun], invited_by=gone).invited[0]
    gone.delete()
    invitation.refresh_from_db()

    answered = services.invitation_respond(invitation=invitation, user=aygun.user, accept=True)

    assert answered.status == InvitationStatus.ACCEPTED


def test_the_invitation_names_the_module_in_the_experts_language(client, coordinator, module, aygun, django_capture_on_commit_callbacks):
    from wagtail.models import Locale

    russian = module.copy_for_translation(Locale.objects.get(language_code="ru"), copy_parents=True)
    russian.title = "Управление трудовой миграцией"
    russian.save_revision().publish()

    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.expert_invite(module=module, experts=[aygun], invited_by=coordinator).invited[0]
    client.force_login(aygun.user)
    page = client.get(f"/ru/experts/invitations/{invitation.pk}/").content.decode()

    assert "«Управление трудовой миграцией»" in mail.outbox[0].subject
    assert "Управление трудовой миграцией" in page and "Labour migration governance" not in page


def test_a_session_is_matched_with_its_language_dates_applicants_and_trainers(
    client, coordinator, module, django_capture_on_commit_callbacks
):
    import datetime

    from curriculum.models import SessionApplication
    from people.models import Country, Organisation, StakeholderCategory, User
    from tests.factories.curriculum import TrainingSessionFactory
    from tests.factories.people import UserFactory

    start = datetime.date.today() + datetime.timedelta(days=40)
    session = TrainingSessionFactory(
        module=module,
        language=Language.objects.get(code="ru"),
        start_date=start,
        end_date=start + datetime.timedelta(days=2),
        application_deadline=start - datetime.timedelta(days=5),
    )
    ministry = Organisation.objects.create(
        name="Fictional Ministry", country=Country.objects.get(iso_code="KZ"), category=StakeholderCategory.objects.get(code="government")
    )
    applicant = UserFactory(role="trainee", organisation=ministry, country=Country.objects.get(iso_code="KZ"))
    SessionApplication.objects.create(session=session, trainee=applicant, motivation="x", country=applicant.country)
    trainer = UserFactory(role="trainer", gender=User.Gender.MALE)
    session.trainers.add(trainer)
    fits = ExpertProfileFactory(
        user__email="fits@example.org",
        user__gender=User.Gender.FEMALE,
        chapter_numbers=[13],
        language_codes={"ru": "native"},
        field_country_codes=["KZ"],
        windows=[(start - datetime.timedelta(days=1), start + datetime.timedelta(days=10))],
    )
    conflicted = ExpertProfileFactory(
        user__email="conflicted@example.org", organisation_name="Fictional Ministry", chapter_numbers=[13], language_codes={"ru": "native"}
    )
    client.force_login(coordinator)

    ranking = client.get("/admin/roster/match/", {"session": session.pk}).context["matches"]
    texts = [reason.text for reason in ranking[0].reasons]

    assert [match.expert for match in ranking] == [fits, conflicted]
    with translation.override(coordinator.preferred_language):  # the admin speaks the coordinator's language
        assert gettext("Balances the trainer team, which has fewer women") in texts
        assert gettext("Available over the whole period") in texts
    assert ranking[1].has_conflict
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/roster/invite/", {"session": session.pk, "experts": [fits.pk], "query": f"session={session.pk}", "message": ""})
    invitation = Invitation.objects.get(expert=fits)
    assert (invitation.session, invitation.module) == (session, module)
    services.invitation_respond(invitation=invitation, user=fits.user, accept=True)
    assert set(session.trainers.all()) == {trainer, fits.user}
