from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "cunwu_projects"
    label = "cunwu_projects"
    verbose_name = _("项目流程")

    class CunwuPluginMeta:
        name = _("项目流程")
        description = _("村级公共服务项目: 从社收集到报账")
