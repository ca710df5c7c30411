"""Admin registrations of the people app: organisations and the e-mail log, for coordinators."""

from __future__ import annotations

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from people.models import OutboundEmail
from people.viewsets import PeopleViewSetGroup, ViewOnlyPermissionPolicy

# The e-mail log is written by the platform only: nobody adds, edits or deletes its rows in the admin.
register_permission_policy(OutboundEmail, ViewOnlyPermissionPolicy(OutboundEmail), exact_class=True)


@hooks.register("register_admin_viewset")
def register_people_viewsets() -> PeopleViewSetGroup:
    """Put the "People" menu (organisations, e-mail log) in the admin."""
    return PeopleViewSetGroup()
