from django.contrib import admin

from thidua.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Who holds tokens, their scope, expiry and last use: to look at only. A token is created and
    revoked by its owner (thidua.api.services); switching an account off stops its tokens."""

    list_display = ("prefix", "name", "user", "scope", "expires_on", "last_used_at", "revoked_at")
    list_filter = ("scope",)
    search_fields = ("prefix", "name", "user__username")
    readonly_fields = ("user", "name", "prefix", "scope", "created_at", "expires_on", "last_used_at", "revoked_at")
    exclude = ("key_sha256",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
