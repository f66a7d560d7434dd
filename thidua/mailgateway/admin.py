from django.contrib import admin

from thidua.mailgateway.models import InboundMessage


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    """Read-only: the gateway's services are the only writers (the triage page decides)."""

    list_display = ("received_at", "from_address", "subject", "status", "unit", "submission")
    list_filter = ("status", "source")
    search_fields = ("from_address", "subject", "message_id", "sha256")
    raw_id_fields = ("unit", "milestone", "submission", "raw", "reply", "decided_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
