from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from people import views
from people.forms import OwnPasswordChangeForm, ThrottledLoginForm

app_name = "people"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="people/login.html",
            redirect_authenticated_user=True,
            authentication_form=ThrottledLoginForm,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("me/", views.profile, name="profile"),
    # Django's views: they keep this session signed in under the new password
    # (update_session_auth_hash) and sign every other one out.
    path(
        "me/password/",
        auth_views.PasswordChangeView.as_view(
            template_name="people/password_change.html",
            form_class=OwnPasswordChangeForm,
            success_url=reverse_lazy("people:password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "me/password/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="people/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path("notices/", views.notice_create, name="notice_create"),
    path("roster/", views.roster, name="roster"),
    path("manage/", views.manage, name="manage"),
    path("teams/", views.teams, name="teams"),
    path("teams/<int:team_id>/", views.team_edit, name="team_edit"),
    path("staff/<int:user_id>/", views.staff_edit, name="staff_edit"),
    path("staff/<int:user_id>/password/", views.staff_password, name="staff_password"),
]
