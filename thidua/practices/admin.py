from django.contrib import admin

from thidua.practices.models import Practice


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    """Read-only: every change goes through the library's pages, which audit and notify."""

    list_display = ("title", "unit", "status", "featured", "published_at")
    list_filter = ("status", "field", "featured", "campaign")
    search_fields = ("title",)
    exclude = ("contact_name", "contact_phone")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
