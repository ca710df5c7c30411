"""Public URLs of the expert roster, mounted under /<lang>/experts/."""

from django.urls import path

from experts import views

app_name = "experts"

urlpatterns = [
    path("apply/", views.apply, name="apply"),
    path("apply/thanks/", views.apply_done, name="apply_done"),
    path("me/", views.my_profile, name="me"),
    path("me/edit/", views.my_profile_edit, name="me_edit"),
    path("me/data.json", views.my_data, name="me_data"),
    path("me/delete/", views.my_profile_delete, name="me_delete"),
    path("invitations/<int:invitation_id>/", views.invitation, name="invitation"),
    path("<int:expert_id>/", views.public_profile, name="profile"),
]
