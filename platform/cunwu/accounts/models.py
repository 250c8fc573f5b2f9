"""The user model. It lives in the public schema (platform operators, province viewers) and in every
county schema (that county's people): a county's user, session or token cannot exist in another county.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    # The resident this account belongs to, for villagers (an id in the same county schema; no FK
    # because the public schema has no residents table).
    resident_id = models.BigIntegerField(_("对应村民"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username
