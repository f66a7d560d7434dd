from django.contrib import admin

from thidua.submissions.models import DeadlineException, Registration, Submission


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ("unit", "campaign", "created_at")
    list_filter = ("campaign",)
    search_fields = ("unit__name", "unit__code")


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """Read-only: versions are never edited or deleted."""

    list_display = ("receipt_number", "unit", "milestone", "version", "received_at", "status")
    list_filter = ("milestone__campaign", "milestone", "status")
    search_fields = ("receipt_number", "unit__name", "unit__code")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DeadlineException)
class DeadlineExceptionAdmin(admin.ModelAdmin):
    list_display = ("unit", "milestone", "kind", "new_deadline", "granted_by")
    list_filter = ("kind", "milestone__campaign")

    # Granting, changing and withdrawing go through the campaign pages, which audit and notify.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
