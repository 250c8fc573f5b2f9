"""Creating the accounts of a county's people (in the county's own schema), audited."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cunwu.audit.services import record, snapshot


@transaction.atomic
def create_account(
    *, username: str, password: str, display_name: str = "", resident_id: int | None = None, actor: Any
) -> Any:
    """A new account; ``resident_id`` links a villager's account to their resident record."""
    users = get_user_model()
    if users.objects.filter(username=username).exists():
        raise ValidationError(_("用户名 %(name)s 已存在") % {"name": username})
    user = users(username=username, display_name=display_name, resident_id=resident_id)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    record(actor=actor, action="accounts.create", target=user, after=snapshot(user))
    return user
