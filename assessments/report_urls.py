"""URLs of the reports in the Wagtail admin (under /admin/, each starting with "matrix/reports/").

`admin_urlpatterns` goes as it is into Wagtail's `register_admin_urls`. The index and the two forms let in
coordinators and administrators only; a job's page and its download, whoever asked for it too (anyone else: 404).
"""

from django.urls import path

from assessments import report_views

admin_urlpatterns = [
    path("matrix/reports/", report_views.report_index, name="matrix_reports"),
    path("matrix/reports/pdf/", report_views.matrix_report_create, name="matrix_report_pdf"),
    path("matrix/reports/donor-pack/", report_views.donor_pack_create, name="donor_pack_create"),
    path("matrix/reports/jobs/<int:job_id>/", report_views.report_job, name="matrix_report_job"),
    path("matrix/reports/jobs/<int:job_id>/download/", report_views.report_download, name="matrix_report_download"),
]
