from django.contrib import admin

from thidua.accounts.models import AccountState


@admin.register(AccountState)
class AccountStateAdmin(admin.ModelAdmin):
    list_display = ["user", "must_change_password", "password_changed_at"]
    list_filter = ["must_change_password"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]
