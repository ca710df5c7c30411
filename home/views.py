"""Views outside the page tree: the health check and the admin's way in."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _broker_status() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:  # noqa: BLE001 - any failure means the broker is unreachable
        return "unreachable"
    return "ok"


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Tell a load balancer or an operator whether the database and the broker answer."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:  # noqa: BLE001 - any failure means the database is unreachable
        database = "unreachable"
    broker = _broker_status()
    healthy = database == "ok" and broker in {"ok", "eager"}
    return JsonResponse({"database": database, "broker": broker, "vendor": connection.vendor}, status=200 if healthy else 503)


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
