"""Evidence files: validated by content, re-encoded without metadata, stored per county, hashed."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context
from PIL import ExifTags, Image

from cunwu.audit.models import AuditEntry
from cunwu.evidence import services
from cunwu.evidence.errors import EvidenceRejected
from cunwu.evidence.models import EvidenceFile
from tests.trust.conftest import jpeg_bytes


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "TestCam"
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = "2026:05:01 09:30:00"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(
        {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (19.0, 15.0, 36.0),
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: (109.0, 3.0, 0.0),
        }
    )
    return exif


def stored_image(evidence: EvidenceFile) -> Image.Image:
    with evidence.file.open("rb") as handle:
        return Image.open(io.BytesIO(handle.read()))


def test_gps_exif_is_built_as_expected():
    image = Image.open(io.BytesIO(jpeg_bytes(exif=gps_exif())))
    assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"


def test_photo_is_reencoded_without_metadata_and_hashed(secretary, village, photo):
    evidence = services.attach(photo(exif=gps_exif()), target=village, actor=secretary, category="photo")
    image = stored_image(evidence)
    exif = image.getexif()
    assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
    assert ExifTags.Base.Make not in exif
    assert evidence.location == "" and evidence.coordinates is None
    assert evidence.captured_at == timezone.make_aware(dt.datetime(2026, 5, 1, 9, 30))
    assert (evidence.width, evidence.height) == (64, 48)
    with evidence.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == evidence.sha256
    assert evidence.uploaded_by == secretary
    assert list(services.files_for(village, category="photo")) == [evidence]
    entry = AuditEntry.objects.get(action="evidence.attach", target_id=str(evidence.pk))
    assert entry.org_path == village.path and entry.after["sha256"] == evidence.sha256


def test_location_kept_in_database_only_when_policy_says(county_a, secretary, village, photo):
    from cunwu.tenancy.models import PolicyVersion

    PolicyVersion.objects.create(
        county=county_a,
        number=999,
        effective_from=timezone.localdate(),
        pack={"personal_data": {"keep_photo_location": True}},
        source="",
        source_sha256="",
    )
    evidence = services.attach(photo(exif=gps_exif()), target=village, actor=secretary)
    assert evidence.coordinates == (pytest.approx(19.26), pytest.approx(109.05))
    with connection.cursor() as cursor:
        cursor.execute("SELECT location FROM evidence_evidencefile WHERE id = %s", [evidence.pk])
        assert "19.26" not in cursor.fetchone()[0]  # encrypted at rest
    assert not stored_image(evidence).getexif().get_ifd(ExifTags.IFD.GPSInfo)


def test_text_named_jpg_is_rejected_and_nothing_stored(secretary, village, media_root):
    fake = SimpleUploadedFile("photo.jpg", b"just some text, not a picture\n" * 10, content_type="image/jpeg")
    with pytest.raises(EvidenceRejected):
        services.attach(fake, target=village, actor=secretary)
    assert not EvidenceFile.objects.exists()
    assert not media_root.exists() or not any(p.is_file() for p in media_root.rglob("*"))


def test_gif_is_rejected_and_pdf_accepted_by_magic_bytes(secretary, village):
    gif = io.BytesIO()
    Image.new("RGB", (4, 4)).save(gif, "GIF")
    with pytest.raises(EvidenceRejected):
        services.attach(SimpleUploadedFile("a.png", gif.getvalue()), target=village, actor=secretary)
    pdf = services.attach(
        SimpleUploadedFile("minutes.bin", b"%PDF-1.4\n%%EOF\n"), target=village, actor=secretary
    )
    assert pdf.content_type == "application/pdf"
    assert pdf.file.name.endswith(".pdf")


def test_size_and_pixel_limits(secretary, village, monkeypatch):
    from cunwu.evidence import inspection

    monkeypatch.setattr(inspection, "MAX_PIXELS", 1000)
    with pytest.raises(EvidenceRejected, match="像素"):
        services.attach(
            SimpleUploadedFile("big.jpg", jpeg_bytes(size=(100, 100))), target=village, actor=secretary
        )
    monkeypatch.setattr(inspection, "MAX_BYTES", 100)
    with pytest.raises(EvidenceRejected, match="过大"):
        services.attach(SimpleUploadedFile("big.jpg", jpeg_bytes()), target=village, actor=secretary)


def test_same_name_never_collides_within_or_across_counties(
    county_a, county_b, secretary, village, photo, make_user
):
    first = services.attach(photo("现场.jpg"), target=village, actor=secretary)
    second = services.attach(photo("现场.jpg"), target=village, actor=secretary)
    assert first.file.name != second.file.name
    assert first.file.name.startswith(f"evidence/{first.uploaded_at:%Y/%m}/{first.sha256[:2]}/")
    path_a = first.file.path
    with schema_context(county_b.schema_name):
        from cunwu.orgs.models import OrgUnit

        other_village = OrgUnit.objects.filter(level="village").first()
        other = services.attach(photo("现场.jpg", color=(0, 0, 255)), target=other_village, actor=make_user())
        path_b = other.file.path
    assert path_a != path_b
    assert f"/{county_a.schema_name}/" in path_a and f"/{county_b.schema_name}/" in path_b
    assert Path(path_a).read_bytes() != Path(path_b).read_bytes()


def test_database_refuses_changing_evidence(secretary, village, photo):
    evidence = services.attach(photo(), target=village, actor=secretary)
    with pytest.raises(DatabaseError, match="refused"), transaction.atomic():
        EvidenceFile.objects.filter(pk=evidence.pk).update(sha256="0" * 64)


def test_s3_keys_carry_the_county(county_a, county_b, settings):
    """With AWS_STORAGE_BUCKET_NAME set, keys are <AWS_LOCATION>/<schema>/evidence/… (no network needed)."""
    from cunwu.evidence.storage import CountyS3Storage

    settings.AWS_STORAGE_BUCKET_NAME = "evidence-bucket"
    settings.AWS_LOCATION = "cunwu"
    storage = CountyS3Storage()
    key_a = storage._normalize_name("evidence/2026/11/ab/x.jpg")
    with schema_context(county_b.schema_name):
        key_b = storage._normalize_name("evidence/2026/11/ab/x.jpg")
    assert key_a == f"cunwu/{county_a.schema_name}/evidence/2026/11/ab/x.jpg"
    assert key_b == f"cunwu/{county_b.schema_name}/evidence/2026/11/ab/x.jpg"


def test_decompression_bomb_is_refused_before_decoding(secretary, village):
    """A small PNG (tens of KB) that would decode to 144 million pixels."""
    bomb = io.BytesIO()
    Image.new("1", (12000, 12000)).save(bomb, "PNG")
    assert bomb.tell() < 1_000_000
    with pytest.raises(EvidenceRejected, match="像素"):
        services.attach(SimpleUploadedFile("bomb.png", bomb.getvalue()), target=village, actor=secretary)
    assert not EvidenceFile.objects.exists()
