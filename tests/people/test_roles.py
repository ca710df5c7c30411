"""The role groups hold exactly the permissions people/roles.py gives them."""

import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.models import Collection, GroupCollectionPermission

from people import roles, services


def _group_permission_names(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


@pytest.mark.django_db
def test_roles_sync_creates_the_five_role_groups():
    services.roles_sync()

    assert set(Group.objects.values_list("name", flat=True)) >= {"Trainees", "Trainers", "Coordinators", "Experts", "Administrators"}
    assert {role.group_name for role in roles.ROLES} == {"Trainees", "Trainers", "Coordinators", "Experts", "Administrators"}


@pytest.mark.django_db
def test_coordinators_hold_exactly_the_permissions_roles_py_lists():
    services.roles_sync()

    assert _group_permission_names("Coordinators") == set(roles.COORDINATOR.permissions)


@pytest.mark.django_db
def test_administrators_hold_every_permission():
    services.roles_sync()

    assert Group.objects.get(name="Administrators").permissions.count() == Permission.objects.count()


def test_coordinators_manage_organisations_and_read_the_email_log_in_roles_py():
    assert {"people.add_organisation", "people.change_organisation", "people.view_outboundemail"} <= set(roles.COORDINATOR.permissions)


def test_trainers_have_none_of_the_coordinator_only_permissions():
    coordinator_only = set(roles.COORDINATOR.permissions) - set(roles.TRAINER.permissions)

    assert {"people.change_organisation", "people.view_outboundemail", "people.view_user"} <= coordinator_only
    assert not coordinator_only & set(roles.TRAINER.permissions)


def test_trainer_user_is_refused_what_only_coordinators_may_do(trainer, coordinator):
    for permission in ("people.change_organisation", "people.view_outboundemail"):
        assert coordinator.has_perm(permission)
        assert not trainer.has_perm(permission)


def test_trainees_and_experts_have_no_permissions(trainee, expert):
    assert not trainee.get_all_permissions()
    assert not expert.get_all_permissions()


@pytest.mark.django_db
def test_an_unknown_permission_name_raises_lookup_error(monkeypatch):
    broken = roles.Role("broken", "Broken", "Broken", ("people.view_country", "people.fly_to_the_moon"))
    monkeypatch.setattr(services, "ROLES", (*roles.ROLES, broken))

    with pytest.raises(LookupError, match=r"people\.fly_to_the_moon"):
        services.roles_sync()


@pytest.mark.django_db
def test_running_roles_sync_twice_is_stable():
    first_counts = services.roles_sync()
    first = {role.group_name: _group_permission_names(role.group_name) for role in roles.ROLES}
    group_ids = set(Group.objects.values_list("pk", flat=True))

    second_counts = services.roles_sync()

    assert second_counts == first_counts
    assert {role.group_name: _group_permission_names(role.group_name) for role in roles.ROLES} == first
    assert set(Group.objects.values_list("pk", flat=True)) == group_ids


@pytest.mark.django_db
def test_a_permission_removed_by_hand_is_restored_by_the_next_sync():
    services.roles_sync()
    coordinators = Group.objects.get(name="Coordinators")
    coordinators.permissions.remove(Permission.objects.get(content_type__app_label="people", codename="change_organisation"))
    assert "people.change_organisation" not in _group_permission_names("Coordinators")

    services.roles_sync()

    assert "people.change_organisation" in _group_permission_names("Coordinators")


@pytest.mark.django_db
def test_a_permission_added_by_hand_is_removed_by_the_next_sync():
    services.roles_sync()
    trainers = Group.objects.get(name="Trainers")
    trainers.permissions.add(Permission.objects.get(content_type__app_label="people", codename="delete_user"))

    services.roles_sync()

    assert "people.delete_user" not in _group_permission_names("Trainers")


@pytest.mark.django_db
def test_media_library_permissions_are_granted_on_the_root_collection():
    services.roles_sync()
    root = Collection.get_first_root_node()

    granted = {
        f"{p.permission.content_type.app_label}.{p.permission.codename}"
        for p in GroupCollectionPermission.objects.filter(group__name="Trainers", collection=root).select_related(
            "permission__content_type"
        )
    }

    assert granted == {name for name in roles.TRAINER.permissions if name.startswith(("wagtailimages.", "wagtaildocs."))}


@pytest.mark.django_db
def test_a_collection_permission_removed_by_hand_is_restored_by_the_next_sync():
    services.roles_sync()
    GroupCollectionPermission.objects.filter(group__name="Coordinators", permission__codename="delete_document").delete()

    services.roles_sync()

    assert GroupCollectionPermission.objects.filter(group__name="Coordinators", permission__codename="delete_document").exists()


def test_trainer_can_open_the_document_library_but_not_delete_documents(client, trainer):
    client.force_login(trainer)

    assert client.get("/admin/documents/").status_code == 200
    assert not GroupCollectionPermission.objects.filter(group__name="Trainers", permission__codename="delete_document").exists()
