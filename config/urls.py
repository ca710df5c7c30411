"""URL configuration: admin and health unprefixed; everything users read carries its language."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from assessments.results_urls import site_urlpatterns as survey_results_urlpatterns
from curriculum import certificate_views
from curriculum import views as curriculum_views
from home import views as home_views

# Wagtail's own login and password-reset pages would bypass allauth's e-mail verification and
# failed-login lock: every way in goes through allauth's pages instead.
to_account_login = RedirectView.as_view(pattern_name="account_login", query_string=True)

urlpatterns = [
    path("admin/login/", home_views.admin_login, name="admin_login"),
    re_path(r"^admin/password_reset/", RedirectView.as_view(pattern_name="account_reset_password")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("health/", home_views.health, name="health"),
    path("health/live/", home_views.health_live, name="health_live"),
]

# Images and renditions, from the local disk or the object store (home.views.media_file); nothing else of MEDIA_ROOT has a URL.
urlpatterns.append(path(settings.MEDIA_URL.strip("/") + "/<path:name>", home_views.media_file, name="media_file"))

urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("learning/", curriculum_views.my_learning, name="my_learning"),
    path("modules/<int:page_id>/pdf/", curriculum_views.module_pdf, name="module_pdf"),
    path("sessions/<int:session_id>/", curriculum_views.session_detail, name="session_detail"),
    path("sessions/<int:session_id>/apply/", curriculum_views.session_apply, name="session_apply"),
    path("applications/<int:application_id>/withdraw/", curriculum_views.application_withdraw, name="application_withdraw"),
    path("sessions/<int:session_id>/attendance/", curriculum_views.session_attendance, name="session_attendance"),
    path(
        "sessions/<int:session_id>/attendance/corrections/",
        curriculum_views.session_attendance_correct,
        name="session_attendance_correct",
    ),
    path(
        "sessions/<int:session_id>/certificates/issue-missing/",
        certificate_views.session_certificates_issue_missing,
        name="session_certificates_issue_missing",
    ),
    path("teaching/", curriculum_views.my_teaching, name="my_teaching"),
    path("certificates/verify/<str:code>/", certificate_views.certificate_verify, name="certificate_verify"),
    path("certificates/<str:code>/download/", certificate_views.certificate_download, name="certificate_download"),
    path("certificates/<str:code>/revoke/", certificate_views.certificate_revoke_view, name="certificate_revoke"),
    path("experts/", include("experts.urls")),
    path("", include("assessments.urls")),
    *survey_results_urlpatterns,
    # The home page by name: LOGIN_REDIRECT_URL = "home" lands on it in the current language.
    path("", wagtail_views.serve, {"path": ""}, name="home"),
    path("_util/login/", to_account_login),
    path("", include(wagtail_urls)),
)
