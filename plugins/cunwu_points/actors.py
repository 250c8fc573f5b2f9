"""The county's system account for what the plugin does on its own (onboarding, beat tasks).

Notices need a posting user; a scheduled red list or a rules change loaded from the policy pack has no
human author, so they are posted by this inactive account (it cannot log in), and the audit trail
names it.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

SYSTEM_USERNAME = "system-points"


def system_user():
    user, created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"display_name": "积分制(系统)", "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
