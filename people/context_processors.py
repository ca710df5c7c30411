"""Template context: which roles the signed-in user holds, computed with one query."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from people.roles import ROLES


def role_codes_for(user: object) -> frozenset[str]:
    """The role codes ("trainee", "trainer"...) of a user; empty for anonymous visitors."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_rtcm_role_codes", None)
    if cached is not None:
        return cached
    names = set(user.groups.values_list("name", flat=True))
    codes = {role.code for role in ROLES if role.group_name in names}
    if user.is_superuser:
        codes.add("administrator")
    user._rtcm_role_codes = frozenset(codes)
    return user._rtcm_role_codes


def _role_codes(request: HttpRequest) -> frozenset[str]:
    return role_codes_for(getattr(request, "user", None))


def roles(request: HttpRequest) -> dict[str, object]:
    """Expose `user_roles`, a lazily computed set of role codes ("trainer", "coordinator"...)."""
    return {"user_roles": SimpleLazyObject(lambda: _role_codes(request))}
