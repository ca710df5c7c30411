"""Content-Security-Policy and Permissions-Policy on every response.

The public site ships no JavaScript, so its policy (CONTENT_SECURITY_POLICY) allows no script at
all and styles, images and fonts only from the site itself. Wagtail's admin cannot live with that:
its panels and date pickers start with inline scripts and its widgets set inline styles, so pages
under the admin's address get RTCM_ADMIN_CONTENT_SECURITY_POLICY instead, which still keeps every
script, style, image, font and frame on the site's own origin.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse


@cache
def admin_path_prefix() -> str:
    """Where Wagtail's admin is mounted (/admin/)."""
    return reverse("wagtailadmin_home")


class SitePolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's policy for the admin's pages and the strict one elsewhere."""

    def get_policy_parts(self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None and request.path_info.startswith(admin_path_prefix()):
            parts.config = default_config(settings.RTCM_ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"])
        return parts


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    """`{"camera": []}` as the header value `camera=()`."""
    return ", ".join(f"{feature}=({' '.join(origins)})" for feature, origins in policy.items())


class PermissionsPolicyMiddleware:
    """Sets Permissions-Policy (settings.PERMISSIONS_POLICY): the browser features no page of the site uses are off."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.header = permissions_policy_header(settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
