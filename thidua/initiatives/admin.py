from django.contrib import admin

from thidua.initiatives.models import Agency, Initiative


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    """The list of city departments is reference data: kept here, retired (not deleted) when merged."""

    list_display = ("name", "short_name", "email", "active", "order")
    list_editable = ("email", "active", "order")
    search_fields = ("name", "short_name")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin):
    """Read-only: every change goes through the portal's pages, which audit and notify."""

    list_display = ("code", "title", "status", "unit", "submitted_at")
    list_filter = ("status", "field", "campaign")
    search_fields = ("code", "title")
    exclude = ("contact_email", "contact_phone")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
