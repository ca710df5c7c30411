"""Admin registrations of the expert roster: the "Roster" menu for coordinators and administrators."""

from __future__ import annotations

from wagtail import hooks

from experts.viewsets import RosterViewSetGroup


@hooks.register("register_admin_viewset")
def register_roster_viewsets() -> RosterViewSetGroup:
    """Put the "Roster" menu (experts) in the admin."""
    return RosterViewSetGroup()
