from django.contrib import admin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from thidua.units.models import RoleAssignment, Unit


@admin.register(Unit)
class UnitAdmin(TreeAdmin):
    form = movenodeform_factory(Unit, exclude=("search_text",))
    list_display = ("name", "code", "kind", "member_count", "cadre_count", "closed_on")
    list_filter = ("kind",)
    search_fields = ("code", "name", "short_name", "search_text")

    def save_model(self, request, obj, form, change):
        # Keep the folded search text in step with the names, as the services do.
        obj.search_text = Unit.compute_search_text(obj.code, obj.name, obj.short_name)
        super().save_model(request, obj, form, change)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "unit", "granted_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__email", "unit__code", "unit__name")
    autocomplete_fields = ("user", "unit")
