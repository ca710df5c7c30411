"""Site-side URLs of the surveys (under the language prefix)."""

from django.urls import path

from assessments import views

urlpatterns = [
    path("surveys/link/<str:token>/", views.survey_link, name="survey_link"),
    path("surveys/sessions/<int:session_id>/<str:purpose>/", views.session_survey, name="session_survey"),
    path("surveys/thanks/", views.survey_thanks, name="survey_thanks"),
]
