"""The demo roster: fictional, spread over every country and chapter, gender-balanced, loadable twice."""

from __future__ import annotations

from collections import Counter

from curriculum.models import ThematicChapter
from experts import demo
from experts.models import ExpertChapter, ExpertLanguage, ExpertProfile, ExpertStatus, StatusChange
from people.models import Country, User


def test_loading_the_demo_roster_twice_gives_the_same_counts(reference_data):
    demo.load()
    first = (ExpertProfile.objects.count(), ExpertChapter.objects.count(), ExpertLanguage.objects.count(), StatusChange.objects.count())

    demo.load()

    second = (ExpertProfile.objects.count(), ExpertChapter.objects.count(), ExpertLanguage.objects.count(), StatusChange.objects.count())
    assert first == second
    assert first[0] == demo.DEMO_EXPERT_COUNT


def test_the_demo_roster_covers_every_country_and_chapter(reference_data):
    demo.load()

    assert set(ExpertProfile.objects.values_list("country_of_residence", flat=True)) == set(Country.objects.values_list("pk", flat=True))
    assert set(ExpertChapter.objects.values_list("chapter", flat=True)) == set(ThematicChapter.objects.values_list("pk", flat=True))


def test_the_demo_roster_is_gender_balanced_with_migrants_and_every_status(reference_data):
    demo.load()

    genders = Counter(User.objects.filter(expert_profile__isnull=False).values_list("gender", flat=True))
    assert genders["female"] == genders["male"] == demo.DEMO_EXPERT_COUNT // 2
    assert ExpertProfile.objects.filter(migrant_or_diaspora_background=True).count() >= 5
    assert set(ExpertProfile.objects.values_list("status", flat=True)) == set(ExpertStatus.values)
    assert all(
        name.startswith("Ekspert ") for name in User.objects.filter(expert_profile__isnull=False).values_list("last_name", flat=True)
    )


def test_the_demo_roster_sends_no_email(reference_data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        demo.load()

    assert callbacks == []


def test_the_demo_expert_account_gets_a_vetted_profile_and_one_invitation_to_answer(module):
    from experts.models import Invitation
    from tests.factories.people import UserFactory

    module.code = demo.DEMO_INVITATION_MODULE_CODE
    module.save()
    UserFactory(role="expert", email=demo.DEMO_EXPERT_ACCOUNT)

    demo.load_expert_account()
    demo.load_expert_account()

    expert = ExpertProfile.objects.get(user__email=demo.DEMO_EXPERT_ACCOUNT)
    assert expert.status == ExpertStatus.VETTED
    assert list(Invitation.objects.filter(expert=expert).values_list("module", "status")) == [(module.pk, "pending")]
