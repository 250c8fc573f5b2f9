"""Evidence files (证据文件): photos and documents attached to any object of a county.

A file is stored once and never changed: the row keeps the SHA-256 of the stored bytes, who uploaded it
and when the photo was taken, so that anyone with access can check that the photo on screen is the one
that was filed. The database refuses UPDATE and DELETE of these rows (migration 0002).
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cunwu.orgs.models import OrgUnit
from cunwu.pii.fields import EncryptedTextField


def evidence_path(instance: EvidenceFile, filename: str) -> str:
    """``evidence/<yyyy>/<mm>/<sha256[:2]>/<uuid><ext>``: unique per upload whatever the original name.

    The storage adds the county's schema in front (TenantFileSystemStorage, CountyS3Storage), so two
    counties can never write to the same key either.
    """
    day = instance.uploaded_at or timezone.now()
    ext = PurePosixPath(filename).suffix.lower()
    return f"evidence/{day:%Y}/{day:%m}/{instance.sha256[:2]}/{instance.uuid.hex}{ext}"


def org_unit_of(target: models.Model | None) -> OrgUnit | None:
    """The org unit a target belongs to: itself, or its ``org_unit``/``village``/``group`` reference."""
    if isinstance(target, OrgUnit):
        return target
    for attribute in ("org_unit", "village", "group"):
        unit = getattr(target, attribute, None)
        if isinstance(unit, OrgUnit):
            return unit
    return None


class EvidenceFile(models.Model):
    class Category(models.TextChoices):
        PHOTO = "photo", _("照片")
        DOCUMENT = "document", _("文件")
        RECEIPT = "receipt", _("票据")
        ATTACHMENT = "attachment", _("公示附件")
        NOTICE_PHOTO = "notice_photo", _("公示照片")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.CharField(max_length=64)
    target = GenericForeignKey("target_type", "target_id")
    # Free text so that plugins can file their own kinds (``before``, ``during``, ``after``…).
    category = models.CharField(_("类别"), max_length=50, blank=True)
    file = models.FileField(_("文件"), upload_to=evidence_path, max_length=255)
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小(字节)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    width = models.PositiveIntegerField(_("宽"), null=True, blank=True)
    height = models.PositiveIntegerField(_("高"), null=True, blank=True)
    captured_at = models.DateTimeField(_("拍摄时间"), null=True, blank=True)
    # Where a photo was taken ("lat,lon"), kept only when the county's policy says so
    # (personal_data.keep_photo_location); never left inside the stored file, encrypted here (PIPL Art. 28).
    location = EncryptedTextField(_("拍摄位置"), blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("上传人")
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("证据文件")
        verbose_name_plural = _("证据文件")
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["target_type", "target_id", "category"])]

    def __str__(self) -> str:
        return self.original_name

    @property
    def org_path(self) -> str:
        """The target's org path ("" outside the org tree): scopes the audit trail of this file."""
        unit = org_unit_of(self.target)
        return unit.path if unit else ""

    @property
    def coordinates(self) -> tuple[float, float] | None:
        """(latitude, longitude) in degrees, when the location was kept."""
        if not self.location:
            return None
        lat, lon = self.location.split(",")
        return float(lat), float(lon)

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
