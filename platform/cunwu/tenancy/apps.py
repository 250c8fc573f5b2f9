from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenancyConfig(AppConfig):
    name = "cunwu.tenancy"
    label = "tenancy"
    verbose_name = _("县(租户)")

    def ready(self) -> None:
        from cunwu.tenancy import signals  # noqa: F401  (connects cache invalidation)
