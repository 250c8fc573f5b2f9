"""S3-compatible storage for evidence when ``AWS_STORAGE_BUCKET_NAME`` is set (settings.STORAGES).

Every key is prefixed with the current county's schema, computed per call like django-tenants'
TenantFileSystemStorage does for local files (LESSONS.md pitfall 6), so counties never share a key.
"""

from __future__ import annotations

from django.db import connection
from storages.backends.s3 import S3Storage


class CountyS3Storage(S3Storage):
    """django-storages' S3 backend whose ``location`` is ``<AWS_LOCATION>/<schema>``."""

    @property
    def location(self) -> str:
        base = (self._location or "").strip("/")
        schema = connection.schema_name
        return f"{base}/{schema}" if base else schema

    @location.setter
    def location(self, value: str) -> None:
        self._location = value
