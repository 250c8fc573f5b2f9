"""Organisation models of one county (they live in the county's schema).

The levels below the county form one tree of :class:`OrgUnit` rows (township → village/community →
villager group) with a materialised ``path`` so that "everything in this township" is one indexed
prefix filter: roles are granted on an org unit and cover its subtree.
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cunwu.pii import crypto, masking
from cunwu.pii.fields import EncryptedTextField


class OrgUnit(models.Model):
    class Level(models.TextChoices):
        TOWNSHIP = "township", _("乡镇")
        VILLAGE = "village", _("村/社区")
        GROUP = "group", _("村民小组")

    class Kind(models.TextChoices):
        TOWNSHIP = "township", _("乡")
        TOWN = "town", _("镇")
        SUBDISTRICT = "subdistrict", _("街道")
        VILLAGE = "village", _("村")
        COMMUNITY = "community", _("社区")
        GROUP = "group", _("村民小组")

    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    code = models.CharField(_("代码"), max_length=40)
    name = models.CharField(_("名称"), max_length=100)
    # "township/village/group" codes joined by "/" — subtree queries are `path__startswith`.
    path = models.CharField(max_length=200, unique=True, editable=False)
    population = models.PositiveIntegerField(_("人口(户籍+登记流动人口)"), null=True, blank=True)
    seats = models.JSONField(_("议事机构席位(覆盖默认)"), default=dict, blank=True)

    class Meta:
        verbose_name = _("组织单元")
        verbose_name_plural = _("组织单元")
        ordering = ["path"]
        constraints = [models.UniqueConstraint(fields=["parent", "code"], name="unique_code_per_parent")]
        indexes = [models.Index(fields=["level", "path"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.set_path()
        super().save(*args, **kwargs)

    def set_path(self) -> None:
        """Derive ``path`` from the parent's; also called before ``bulk_create``, which skips ``save()``."""
        self.path = f"{self.parent.path}/{self.code}" if self.parent_id else self.code

    def subtree(self) -> models.QuerySet[OrgUnit]:
        return OrgUnit.objects.filter(models.Q(pk=self.pk) | models.Q(path__startswith=self.path + "/"))

    def ancestors_and_self(self) -> list[OrgUnit]:
        prefixes = []
        parts = self.path.split("/")
        for i in range(1, len(parts) + 1):
            prefixes.append("/".join(parts[:i]))
        return list(OrgUnit.objects.filter(path__in=prefixes).order_by("path"))

    @property
    def village(self) -> OrgUnit | None:
        if self.level == self.Level.VILLAGE:
            return self
        if self.level == self.Level.GROUP:
            return self.parent
        return None


class Household(models.Model):
    """A household (户), registered in a villager group."""

    number = models.CharField(_("户号"), max_length=40)
    group = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="households", verbose_name=_("村民小组")
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    head = models.ForeignKey(
        "Resident", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("户主")
    )

    class Meta:
        verbose_name = _("户")
        verbose_name_plural = _("户")
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["group", "number"], name="unique_household_per_group")]

    def __str__(self) -> str:
        return self.number


class ResidentQuerySet(models.QuerySet):
    def with_id_card(self, number: str) -> ResidentQuerySet:
        """Residents with this ID-card number, found through the keyed hash (the column is encrypted)."""
        return self.filter(id_card_hash=crypto.lookup_hash(number))

    def with_phone(self, number: str) -> ResidentQuerySet:
        return self.filter(phone_hash=crypto.lookup_hash(number))


class Resident(models.Model):
    """A resident (村民/居民). ID-card and phone numbers are encrypted at rest, found by keyed hash."""

    name = models.CharField(_("姓名"), max_length=50)
    id_card = EncryptedTextField(_("身份证号"), blank=True)
    # Hex keyed hashes: collation "C" (byte compares), indexed only by the partial unique constraint.
    id_card_hash = models.CharField(max_length=64, blank=True, editable=False, db_collation="C")
    phone = EncryptedTextField(_("手机号"), blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, editable=False, db_collation="C")
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("户"),
    )
    group = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="residents", verbose_name=_("村民小组")
    )
    # Denormalised from group.path: the scope filter for roles is one indexed prefix match.
    org_path = models.CharField(max_length=200, db_index=True, editable=False)
    gender = models.CharField(_("性别"), max_length=1, choices=[("M", _("男")), ("F", _("女"))], blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    is_party_member = models.BooleanField(_("党员"), default=False)
    attributes = models.JSONField(_("其他属性"), default=dict, blank=True)
    active = models.BooleanField(_("在册"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ResidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("村民")
        verbose_name_plural = _("村民")
        ordering = ["org_path", "name"]
        # Meta.indexes rather than db_index: db_index on a CharField also builds a varchar_pattern_ops
        # ("_like") index, and nothing filters names or hashes with LIKE 'x%' (org_path keeps its pair:
        # role scopes are prefix matches). Every index is paid for by each imported row.
        indexes = [
            models.Index(fields=["name"], name="orgs_resident_name"),
            models.Index(fields=["phone_hash"], name="orgs_resident_phone_hash"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["id_card_hash"], condition=~models.Q(id_card_hash=""), name="unique_resident_id_card"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.id_card_hash = crypto.lookup_hash(self.id_card) if self.id_card else ""
        self.phone_hash = crypto.lookup_hash(self.phone) if self.phone else ""
        self.org_path = self.group.path
        super().save(*args, **kwargs)

    @property
    def id_card_masked(self) -> str:
        return masking.mask_id_card(self.id_card)

    @property
    def phone_masked(self) -> str:
        return masking.mask_phone(self.phone)


class Body(models.Model):
    """A body of a village (两委, 村民议事会, 村务监督委员会, …) or of a project (理财小组, 质量监督小组)."""

    class Kind(models.TextChoices):
        PARTY_COMMITTEE = "party_committee", _("村党组织")
        VILLAGERS_COMMITTEE = "villagers_committee", _("村(居)民委员会")
        VILLAGERS_COUNCIL = "villagers_council", _("村民议事会")
        GROUP_COUNCIL = "group_council", _("村民小组议事会")
        SUPERVISORY_COMMITTEE = "supervisory_committee", _("村务监督委员会")
        FINANCE_GROUP = "finance_group", _("理财小组")
        QUALITY_GROUP = "quality_group", _("质量监督小组")
        SERVICE_STATION = "service_station", _("公共服务站")
        ECONOMIC_COOPERATIVE = "economic_cooperative", _("股份经济联合社")
        ASSEMBLY = "assembly", _("村民(代表)大会")
        OTHER = "other", _("其他")

    kind = models.CharField(_("类型"), max_length=30, choices=Kind.choices)
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="bodies", verbose_name=_("所属")
    )
    name = models.CharField(_("名称"), max_length=100)
    seats = models.PositiveIntegerField(_("席位"), null=True, blank=True)
    # Share of members who must attend for a meeting of this body to decide (from policy).
    quorum = models.DecimalField(_("法定出席比例"), max_digits=4, decimal_places=3, default=0.5)
    # Set for bodies that exist for one object (e.g. a project's 理财小组): "app_label.model:pk".
    scope_object = models.CharField(max_length=100, blank=True, db_index=True)

    class Meta:
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        ordering = ["org_unit__path", "kind"]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet):
    def current(self, on: date | None = None) -> MembershipQuerySet:
        """Seats held on ``on`` (today by default)."""
        day = on or timezone.localdate()
        return self.filter(start_date__lte=day).filter(
            models.Q(end_date__isnull=True) | models.Q(end_date__gte=day)
        )


class Membership(models.Model):
    """A dated seat on a body."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="memberships")
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="memberships")
    position = models.CharField(_("职务"), max_length=50, blank=True)
    start_date = models.DateField(_("任职日期"))
    end_date = models.DateField(_("离任日期"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("成员")
        verbose_name_plural = _("成员")
        ordering = ["body", "start_date"]

    def __str__(self) -> str:
        return f"{self.resident} @ {self.body}"


class ImportJob(models.Model):
    """One upload of organisations/households/residents: validated whole, then written all or nothing.

    Progress is committed while the file is validated (outside the writing transaction) so that the
    page polling it sees it move; ``errors`` holds the per-row report ``[{"row", "column", "reason"}]``.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        VALIDATING = "validating", _("校验中")
        WRITING = "writing", _("写入中")
        SUCCEEDED = "succeeded", _("已导入")
        FAILED = "failed", _("未导入(有错误)")

    file = models.FileField(_("文件"), upload_to="imports/")
    filename = models.CharField(_("文件名"), max_length=200)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    created = models.JSONField(_("新增数量"), default=dict, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)
