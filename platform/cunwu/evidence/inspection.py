"""Look at an uploaded file's bytes (never its name) and turn it into what may be stored.

Images are decoded by Pillow, restricted to JPEG, PNG and WebP, checked against the size and pixel
limits before their pixels are decoded (decompression bombs), rotated upright and re-encoded without
any metadata. Capture time comes from EXIF DateTimeOriginal; the GPS position is returned separately
so that the caller may keep it in the database when the county's policy wants it — it never stays in
the file. PDFs are recognised by their magic bytes and stored as they are.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.base import File
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from cunwu.evidence.errors import EvidenceRejected

# Limits; a deployment may override them in settings.
MAX_BYTES = getattr(settings, "CUNWU_EVIDENCE_MAX_BYTES", 25 * 1024 * 1024)
MAX_PIXELS = getattr(settings, "CUNWU_EVIDENCE_MAX_PIXELS", 50_000_000)

IMAGE_FORMATS = {
    "JPEG": ("image/jpeg", ".jpg"),
    "PNG": ("image/png", ".png"),
    "WEBP": ("image/webp", ".webp"),
}
PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True)
class PreparedFile:
    """A validated file ready to be stored: the bytes to write and what was learnt from them."""

    content: bytes
    original_name: str
    content_type: str
    extension: str
    width: int | None = None
    height: int | None = None
    captured_at: dt.datetime | None = None
    location: dict | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def size(self) -> int:
        return len(self.content)


def _read_limited(uploaded: File) -> bytes:
    if uploaded.size is not None and uploaded.size > MAX_BYTES:
        raise EvidenceRejected(_("文件过大:上限为 %(mb)d MB。") % {"mb": MAX_BYTES // (1024 * 1024)})
    uploaded.seek(0)
    data = uploaded.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise EvidenceRejected(_("文件过大:上限为 %(mb)d MB。") % {"mb": MAX_BYTES // (1024 * 1024)})
    if not data:
        raise EvidenceRejected(_("文件为空。"))
    return data


def _exif_datetime(exif: Image.Exif) -> dt.datetime | None:
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    raw = sub.get(ExifTags.Base.DateTimeOriginal) or exif.get(ExifTags.Base.DateTime)
    if not raw:
        return None
    try:
        naive = dt.datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    offset = sub.get(ExifTags.Base.OffsetTimeOriginal)
    if offset:
        try:
            return dt.datetime.strptime(f"{naive:%Y-%m-%d %H:%M:%S}{offset}", "%Y-%m-%d %H:%M:%S%z")
        except ValueError:
            pass
    return timezone.make_aware(naive)


def _degrees(value, ref) -> float:
    d, m, s = (float(x) for x in value)
    result = d + m / 60 + s / 3600
    return -result if str(ref).upper() in ("S", "W") else result


def _exif_location(exif: Image.Exif) -> dict | None:
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    try:
        lat = _degrees(gps[ExifTags.GPS.GPSLatitude], gps.get(ExifTags.GPS.GPSLatitudeRef, "N"))
        lon = _degrees(gps[ExifTags.GPS.GPSLongitude], gps.get(ExifTags.GPS.GPSLongitudeRef, "E"))
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None
    return {"lat": round(lat, 7), "lon": round(lon, 7)}


def _prepare_image(data: bytes, name: str, keep_location: bool) -> PreparedFile:
    too_many = _("图片像素过多:上限为 %(mp)s 百万像素。") % {"mp": round(MAX_PIXELS / 1_000_000, 1)}
    with warnings.catch_warnings():
        # Pillow warns (and later refuses) above its own pixel limit; treat the warning as a refusal too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=list(IMAGE_FORMATS))
            if image.width * image.height > MAX_PIXELS:
                raise EvidenceRejected(too_many)
            fmt = image.format
            exif = image.getexif()
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise EvidenceRejected(too_many) from exc
        except UnidentifiedImageError as exc:
            raise EvidenceRejected(_("无法识别的文件:只接受 JPEG、PNG、WebP 图片或 PDF 文件。")) from exc
        except (OSError, SyntaxError, ValueError) as exc:
            raise EvidenceRejected(_("图片已损坏,无法读取。")) from exc
    captured_at = _exif_datetime(exif)
    location = _exif_location(exif) if keep_location else None
    upright = ImageOps.exif_transpose(image)
    content_type, extension = IMAGE_FORMATS[fmt]
    out = io.BytesIO()
    if fmt == "JPEG":
        if upright.mode not in ("RGB", "L"):
            upright = upright.convert("RGB")
        upright.save(out, "JPEG", quality=90, optimize=True)
    elif fmt == "PNG":
        upright.save(out, "PNG", optimize=True)
    else:
        upright.save(out, "WEBP", quality=90)
    return PreparedFile(
        content=out.getvalue(),
        original_name=name,
        content_type=content_type,
        extension=extension,
        width=upright.width,
        height=upright.height,
        captured_at=captured_at,
        location=location,
    )


def prepare(uploaded: File, *, keep_location: bool = False) -> PreparedFile:
    """Validate ``uploaded`` by its content and return what to store; raise :class:`EvidenceRejected`."""
    name = PurePosixPath(getattr(uploaded, "name", "") or "file").name[:255]
    data = _read_limited(uploaded)
    if data.startswith(PDF_MAGIC):
        return PreparedFile(
            content=data, original_name=name, content_type="application/pdf", extension=".pdf"
        )
    return _prepare_image(data, name, keep_location)


def prepared_copy(name: str, content: bytes, *, content_type: str, width=None, height=None, captured_at=None):
    """An already validated stored file, to be stored again for another target (e.g. a notice's attachment)."""
    extension = {"application/pdf": ".pdf"}.get(content_type) or next(
        ext for ctype, ext in IMAGE_FORMATS.values() if ctype == content_type
    )
    return PreparedFile(
        content=content,
        original_name=name,
        content_type=content_type,
        extension=extension,
        width=width,
        height=height,
        captured_at=captured_at,
    )
