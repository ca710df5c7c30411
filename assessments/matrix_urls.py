"""URLs of the priority-matrix pages in the Wagtail admin (under /admin/, each starting with "matrix/").

`admin_urlpatterns` goes as it is into Wagtail's `register_admin_urls`; every view lets in coordinators and
administrators only.
"""

from django.urls import path

from assessments import matrix_views

admin_urlpatterns = [
    path("matrix/", matrix_views.heatmap, name="matrix_heatmap"),
    path("matrix/summary/", matrix_views.summary, name="matrix_summary"),
    path("matrix/delivery/", matrix_views.delivery, name="matrix_delivery"),
    path("matrix/compare/", matrix_views.compare, name="matrix_compare"),
    path("matrix/recompute/", matrix_views.recompute, name="matrix_recompute"),
    path("matrix/baseline/", matrix_views.baseline, name="matrix_baseline"),
    path("matrix/snapshots/", matrix_views.snapshot_list, name="matrix_snapshots"),
    path("matrix/snapshots/<int:snapshot_id>/", matrix_views.snapshot_status, name="matrix_snapshot"),
    path("matrix/cells/<int:cell_id>/", matrix_views.cell_detail, name="matrix_cell"),
]
