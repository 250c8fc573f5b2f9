"""Fixtures of the trust-services tests: evidence files in a temporary media root, images to upload."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Evidence written by a test goes to its own folder (the tenant storage caches its root: reset it)."""
    from django.core.files.storage import storages

    settings.MEDIA_ROOT = str(tmp_path / "media")
    storages["default"].__dict__.pop("relative_media_root", None)
    yield tmp_path / "media"
    storages["default"].__dict__.pop("relative_media_root", None)


def jpeg_bytes(*, size=(64, 48), color=(200, 30, 30), exif: Image.Exif | None = None) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG", exif=exif if exif is not None else Image.Exif())
    return out.getvalue()


@pytest.fixture
def photo():
    """``photo(name="site.jpg", **jpeg options)`` → an uploaded JPEG."""

    def make(name: str = "site.jpg", **options) -> SimpleUploadedFile:
        return SimpleUploadedFile(name, jpeg_bytes(**options), content_type="image/jpeg")

    return make


@pytest.fixture
def village(county_a):
    from cunwu.orgs.models import OrgUnit

    return OrgUnit.objects.get(path="east/hongyang")


@pytest.fixture
def secretary(make_user, village):
    return make_user(role="village_secretary", org_unit=village, username="secretary")
