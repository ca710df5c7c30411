"""Public URLs of the expert roster, mounted under /<lang>/experts/."""

from django.urls import path

from experts import views

app_name = "experts"

urlpatterns = [
    path("apply/", views.apply, name="apply"),
    path("apply/thanks/", views.apply_done, name="apply_done"),
    path("<int:expert_id>/", views.public_profile, name="profile"),
]
