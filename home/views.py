"""Views outside the page tree: the health check, the admin's way in and the site's images."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from config.storage import site_media_name
from home.health import health_report

# A rendition's name changes with its image's file; a day in browsers' caches is safe and spares the storage.
MEDIA_MAX_AGE = 24 * 3600


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Readiness, for a load balancer and monitoring: each dependency's state (home/health.py); 503 when a hard
    one (database, broker) is down, 200 with "status": "degraded" and the failing parts named when a soft one is."""
    report = health_report()
    return JsonResponse(report.as_json(), status=report.http_status)


@never_cache
@require_GET
def health_live(request: HttpRequest) -> JsonResponse:
    """Liveness: 200 while the process runs and answers, whatever its dependencies say (touches none of them)."""
    return JsonResponse({"status": "alive"})


@never_cache
def admin_login(request: HttpRequest) -> HttpResponse:
    """Where Wagtail sends whoever may not open the admin: allauth's sign-in page, or a 403 page for a signed-in account.

    Wagtail's own login page would bypass allauth's e-mail verification and failed-login lock, and
    allauth sends a signed-in user straight back to `next`: a trainee opening /admin/ went round
    and round between the two. A post (Wagtail's own login form) signs nobody in: it is answered as a visit.
    """
    query = request.META.get("QUERY_STRING", "")
    if not request.user.is_authenticated:
        return HttpResponseRedirect(reverse("account_login") + (f"?{query}" if query else ""))
    if request.user.has_perm("wagtailadmin.access_admin"):
        target = request.GET.get("next", "")
        allowed = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure())
        return HttpResponseRedirect(target if target and allowed else reverse("wagtailadmin_home"))
    # Wagtail queued its own "no permission" message for the next page: read here (so dropped) and not shown, as this page says it.
    for _message in messages.get_messages(request):
        pass
    # The admin's addresses carry no language: the page speaks the account's own.
    language = getattr(request.user, "preferred_language", "") or translation.get_language()
    with translation.override(language):
        return render(request, "home/no_admin_access.html", {"messages": []}, status=403)


@require_safe
def media_file(request: HttpRequest, name: str) -> FileResponse:
    """A Wagtail image or rendition (avatars: for the workspace's users only) from the default storage, local or the
    object store (config/storage.py); every other file of the storage has a view of its own that checks who asks."""
    if not site_media_name(name):
        raise Http404
    avatar = name.startswith("avatar_images/")
    if avatar and not request.user.has_perm("wagtailadmin.access_admin"):
        raise Http404
    try:
        file = default_storage.open(name)
    except (FileNotFoundError, IsADirectoryError, SuspiciousFileOperation) as error:
        raise Http404 from error
    response = FileResponse(file, content_type=mimetypes.guess_type(name)[0] or "application/octet-stream")
    response["Cache-Control"] = f"{'private' if avatar else 'public'}, max-age={MEDIA_MAX_AGE}"
    return response
