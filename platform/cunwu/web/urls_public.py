"""Pages of the platform operator's host."""

from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.i18n import set_language

from cunwu.web import operator_views

app_name = "web"
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="web/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("onboard/", operator_views.onboard_county, name="onboard"),
    path("", operator_views.operator_home, name="home"),
]
