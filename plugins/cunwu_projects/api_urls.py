"""REST routes of the project workflow, mounted under ``/api/projects/`` where the plugin is on."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from cunwu_projects import api

router = SimpleRouter()
router.register("projects", api.ProjectViewSet, basename="project")
router.register("steps", api.StepViewSet, basename="step")
router.register("rounds", api.RoundViewSet, basename="round")
router.register("assessments", api.SelfAssessmentViewSet, basename="assessment")

urlpatterns = [
    path("queue/", api.QueueView.as_view(), name="queue"),
    path("summary/", api.SummaryView.as_view(), name="summary"),
    *router.urls,
]
