"""Pages of meetings on a county's host."""

from django.urls import path

from cunwu.meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.schedule, name="schedule"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/candidates/", views.candidates, name="candidates"),
    path("<int:pk>/sign-in/", views.sign_in, name="sign_in"),
    path("<int:pk>/minutes/", views.minutes, name="minutes"),
    path("<int:pk>/decisions/", views.decide, name="decide"),
    path("<int:pk>/sheet/", views.sheet, name="sheet"),
    path("<int:pk>/minutes/print/", views.minutes_print, name="minutes_print"),
    path("<int:pk>/attendance.xlsx", views.attendance_export, name="attendance_export"),
]
