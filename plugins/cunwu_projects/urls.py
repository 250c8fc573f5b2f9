"""Pages of the project workflow, mounted under ``/projects/`` where the plugin is on."""

from django.urls import path

from cunwu_projects import views

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.start, name="start"),
    path("queue/", views.queue, name="queue"),
    path("summary/", views.summary, name="summary"),
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/timeline/", views.timeline, name="timeline"),
    path("<int:pk>/checklist/", views.checklist, name="checklist"),
    path("<int:pk>/archive.zip", views.archive, name="archive"),
    path("<int:pk>/steps/<int:step_pk>/<slug:action>/", views.step_action, name="step_action"),
    path("<int:pk>/do/<slug:action>/", views.project_action, name="action"),
]
