from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgressConfig(AppConfig):
    name = "thidua.progress"
    label = "progress"
    verbose_name = _("Indicators and progress")

    def ready(self):
        from thidua.core import exports
        from thidua.progress import views
        from thidua.progress.services import aggregates_after_move
        from thidua.units.services import AFTER_MOVE

        if aggregates_after_move not in AFTER_MOVE:
            AFTER_MOVE.append(aggregates_after_move)  # figures' totals move with a unit
        exports.register("breakdown", views.breakdown_export_build)
        exports.register("matrix", views.matrix_export_build)
