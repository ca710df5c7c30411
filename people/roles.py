"""The platform's roles as Django groups, with their permissions defined here, in code.

`sync_roles` (run by `load_reference_data`) makes the database match this file: it creates the
groups, grants what is listed and removes what is not. Page-level permissions for trainers
(which curriculum parts they may edit) are granted per part by the curriculum app.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Role:
    """A role: its code, the group that carries it, its label and its permissions."""

    code: str
    group_name: str
    label: Promise
    permissions: tuple[str, ...]
    all_permissions: bool = False


_ADMIN_ACCESS = ("wagtailadmin.access_admin",)
_MEDIA_LIBRARY = (
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
)
_REFERENCE_READ = (
    "people.view_country",
    "people.view_stakeholdercategory",
    "people.view_participantlevel",
    "curriculum.view_thematicchapter",
    "curriculum.view_thematicpart",
)

TRAINEE = Role("trainee", "Trainees", _("Trainee"), ())
EXPERT = Role("expert", "Experts", _("Expert"), ())
TRAINER = Role("trainer", "Trainers", _("Trainer"), _ADMIN_ACCESS + _MEDIA_LIBRARY + _REFERENCE_READ)
COORDINATOR = Role(
    "coordinator",
    "Coordinators",
    _("Coordinator"),
    _ADMIN_ACCESS
    + _MEDIA_LIBRARY
    + _REFERENCE_READ
    + (
        "people.view_user",
        "people.add_organisation",
        "people.change_organisation",
        "people.view_organisation",
        "people.view_outboundemail",
        "wagtaildocs.delete_document",
        "wagtailimages.delete_image",
        "wagtail_localize.submit_translation",
        "experts.view_expertprofile",
        "experts.change_expertprofile",
        "curriculum.add_trainingsession",
        "curriculum.change_trainingsession",
        "curriculum.view_trainingsession",
        "curriculum.view_sessionapplication",
        "curriculum.change_sessionapplication",
        "assessments.add_instrument",
        "assessments.change_instrument",
        "assessments.view_instrument",
        "assessments.add_round",
        "assessments.change_round",
        "assessments.view_round",
        "assessments.view_response",
    ),
)
ADMINISTRATOR = Role("administrator", "Administrators", _("Administrator"), (), all_permissions=True)

ROLES: tuple[Role, ...] = (TRAINEE, TRAINER, COORDINATOR, EXPERT, ADMINISTRATOR)
ROLES_BY_CODE = {role.code: role for role in ROLES}
