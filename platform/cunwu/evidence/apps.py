from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    name = "cunwu.evidence"
    label = "evidence"
    verbose_name = _("证据文件")
