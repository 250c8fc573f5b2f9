"""The Celery app. Tasks are tenant-aware (tenant-schemas-celery): each carries its county's schema."""

from __future__ import annotations

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cunwu.settings")

app = CeleryApp("cunwu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
