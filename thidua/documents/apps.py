from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "thidua.documents"
    verbose_name = _("Documents")

    def ready(self):
        from thidua.core import exports
        from thidua.documents import background

        exports.register(background.KIND, background.export_build)
