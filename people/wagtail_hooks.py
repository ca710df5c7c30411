"""Admin registrations of the people app: organisations and the e-mail log, for coordinators; deleting users erases them."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.log_actions import LogActionRegistry
from wagtail.permissions import register_permission_policy
from wagtail.users.views.bulk_actions.delete import DeleteBulkAction

from people.erasure import ERASE_ACTION, person_erase
from people.models import OutboundEmail
from people.viewsets import PeopleViewSetGroup, ViewOnlyPermissionPolicy

# The e-mail log is written by the platform only: nobody adds, edits or deletes its rows in the admin.
register_permission_policy(OutboundEmail, ViewOnlyPermissionPolicy(OutboundEmail), exact_class=True)


@hooks.register("register_admin_viewset")
def register_people_viewsets() -> PeopleViewSetGroup:
    """Put the "People" menu (organisations, e-mail log) in the admin."""
    return PeopleViewSetGroup()


class EraseUsersBulkAction(DeleteBulkAction):
    """The users listing's bulk "Delete": each ticked person is erased (people.erasure), like the single delete."""

    def get_execution_context(self) -> dict[str, Any]:
        return {**super().get_execution_context(), "erased_by": self.request.user}

    @classmethod
    def execute_action(cls, objects: list[Any], erased_by: Any = None, **kwargs: Any) -> tuple[int, int]:
        for user in objects:
            person_erase(user=user, erased_by=erased_by)
        return len(objects), 0

    def get_success_message(self, num_parent_objects: int, num_child_objects: int) -> str:
        return ngettext(
            "%(n)d user has been erased: their personal data is gone everywhere.",
            "%(n)d users have been erased: their personal data is gone everywhere.",
            num_parent_objects,
        ) % {"n": num_parent_objects}


# registered after wagtail.users' own "delete" (a later order wins), so the listing's bulk delete erases
hooks.register("register_bulk_action", EraseUsersBulkAction, order=100)


@hooks.register("register_log_actions")
def register_erase_log_action(actions: LogActionRegistry) -> None:
    """The history's wording of an erasure (its entry names nobody)."""
    actions.register_action(ERASE_ACTION, _("Erase person"), _("Person erased: personal data removed everywhere"))
