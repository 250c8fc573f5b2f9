from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RolesConfig(AppConfig):
    name = "cunwu.roles"
    label = "roles"
    verbose_name = _("角色与权限")
