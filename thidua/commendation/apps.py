from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommendationConfig(AppConfig):
    name = "thidua.commendation"
    verbose_name = _("Scoring and commendation")
