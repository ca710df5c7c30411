"""Template context: which roles the signed-in user holds, computed with one query."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from people.roles import ROLES


def _role_codes(request: HttpRequest) -> frozenset[str]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return frozenset()
    names = set(user.groups.values_list("name", flat=True))
    codes = {role.code for role in ROLES if role.group_name in names}
    if user.is_superuser:
        codes.add("administrator")
    return frozenset(codes)


def roles(request: HttpRequest) -> dict[str, object]:
    """Expose `user_roles`, a lazily computed set of role codes ("trainer", "coordinator"...)."""
    return {"user_roles": SimpleLazyObject(lambda: _role_codes(request))}
