from __future__ import annotations

from django.urls import path

from contests import views

app_name = "contests"

urlpatterns = [
    path("quizzes/", views.quiz_list, name="quiz_list"),
    path("quizzes/new/", views.quiz_create, name="quiz_create"),
    path("quizzes/<int:quiz_id>/console/", views.console, name="console"),
    path("quizzes/<int:quiz_id>/qr.svg", views.join_qr, name="join_qr"),
    path("quizzes/<int:quiz_id>/play/", views.play, name="play"),
    path("quizzes/<int:quiz_id>/results/", views.results, name="results"),
    path(
        "quizzes/<int:quiz_id>/results.xlsx",
        views.results_export,
        name="results_export",
    ),
    path("quizzes/<int:quiz_id>/again/", views.rerun, name="rerun"),
    path("quizzes/<int:quiz_id>/me/", views.my_result, name="my_result"),
    path("join/", views.join, name="join"),
    path("join/<str:pin>/", views.join_pin, name="join_pin"),
]
