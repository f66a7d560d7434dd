from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from thidua.core.audit import action_label
from thidua.core.models import AuditEntry


class ActionFilter(admin.SimpleListFilter):
    """The actions recorded, by their readable names."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        actions = AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct()
        return [(action, action_label(action)) for action in actions]

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is never edited."""

    list_display = ("at", "actor", "label", "object_type", "object_repr")
    list_filter = (ActionFilter, "object_type")
    search_fields = ("object_repr", "object_id", "actor__username")

    @admin.display(description=_("action"), ordering="action")
    def label(self, entry: AuditEntry) -> str:
        return action_label(entry.action)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
