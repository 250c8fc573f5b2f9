"""cunwu (村务): the core Django project. Plugins live in their own packages under ``plugins/``."""

from .celery import app as celery_app

__all__ = ["celery_app"]
