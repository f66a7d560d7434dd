from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "thidua.units"
    label = "units"
    verbose_name = _("Unit directory")

    def ready(self):
        from thidua.core import exports
        from thidua.units.importing import export_build

        exports.register("units", export_build)
