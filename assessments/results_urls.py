"""URLs of survey results.

The routes are complete: `admin_urlpatterns` go as they are into Wagtail's `register_admin_urls`
(under /admin/, each starting with "surveys/"), `site_urlpatterns` into the language-prefixed
patterns of config/urls.py (each starting with "teaching/").
"""

from django.urls import path

from assessments import results_views

admin_urlpatterns = [
    path("surveys/results/", results_views.results_index, name="assessments_results_index"),
    path("surveys/results/<int:instrument_id>/", results_views.instrument_results, name="assessments_results"),
    path("surveys/results/<int:instrument_id>/export/", results_views.results_export_create, name="assessments_results_export"),
    path("surveys/exports/<int:job_id>/", results_views.export_job, name="assessments_export_job"),
    path("surveys/exports/<int:job_id>/download/", results_views.export_download, name="assessments_export_download"),
]

site_urlpatterns = [
    path("teaching/sessions/<int:session_id>/results/", results_views.session_results, name="session_results"),
]
