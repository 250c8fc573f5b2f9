"""Counties for the project workflow tests: the 大树镇 pack itself and a county with its own procedure.

Both are onboarded once per session through the production code path (like ``alpha``/``beta``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import PACKS

DASHU_PACK = Path(__file__).resolve().parents[2] / "tenants" / "dashu.toml"
ALT_PACK = PACKS / "altproc.toml"


@pytest.fixture(scope="session")
def project_counties(django_db_setup, django_db_blocker):
    from cunwu.tenancy.onboarding import onboard_file

    with django_db_blocker.unblock():
        for path in (DASHU_PACK, ALT_PACK):
            onboard_file(path, actor="tests")


def _switch(slug: str):
    from django.db import connection

    from cunwu.tenancy.models import County

    county = County.objects.get(slug=slug)
    connection.set_tenant(county)
    return county


@pytest.fixture
def dashu(project_counties, db):
    """汉源县 (demo) onboarded from tenants/dashu.toml, the connection switched to it."""
    from django.db import connection

    yield _switch("hanyuan")
    connection.set_schema_to_public()


@pytest.fixture
def altproc(project_counties, db):
    from django.db import connection

    yield _switch("altproc")
    connection.set_schema_to_public()


@pytest.fixture
def pdf():
    """``pdf(name)`` → a small PDF upload (evidence checks content, not names)."""

    def make(name: str = "doc.pdf") -> SimpleUploadedFile:
        return SimpleUploadedFile(name, b"%PDF-1.4\n% test document\n%%EOF\n", content_type="application/pdf")

    return make


@pytest.fixture
def photo():
    """``photo(name, size)`` → a JPEG upload; 3264×2448 is the seed's 800万像素."""

    def make(name: str = "site.jpg", size: tuple[int, int] = (32, 24)) -> SimpleUploadedFile:
        import io

        from PIL import Image

        buffer = io.BytesIO()
        Image.new("RGB", size, (120, 160, 90)).save(buffer, format="JPEG")
        return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")

    return make


@pytest.fixture
def seat():
    """``seat(body, n)`` → n new residents of the body's village, all current members of the body."""
    from cunwu.orgs.models import Membership, OrgUnit, Resident

    def make(body, n: int) -> list:
        group = OrgUnit.objects.filter(parent=body.org_unit, level=OrgUnit.Level.GROUP).first()
        residents = [Resident.objects.create(name=f"{body.kind}{i}", group=group) for i in range(n)]
        for resident in residents:
            Membership.objects.create(body=body, resident=resident, start_date=dt.date(2020, 1, 1))
        return residents

    return make


@pytest.fixture
def village(dashu):
    from cunwu.orgs.models import OrgUnit

    return OrgUnit.objects.get(code="xinmin")


@pytest.fixture
def cadres(make_user, village):
    """The people who act in a 大树镇 project: the village secretary and a township official."""
    secretary = make_user("village_secretary", village, username="secretary")
    official = make_user("township_official", village.parent, username="official")
    return secretary, official
