from django.contrib import admin

from thidua.campaigns.models import Activity, Assignment, Campaign, Goal, Indicator, Milestone


class GoalInline(admin.TabularInline):
    model = Goal
    extra = 0


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = (
        "code",
        "name",
        "kind",
        "goal",
        "activity",
        "target_value",
        "unit_of_measure",
        "scope_groups",
        "scope_unit_codes",
    )


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("slug", "title", "status", "period_end")
    list_filter = ("status",)
    search_fields = ("slug", "title")
    inlines = [GoalInline, MilestoneInline, IndicatorInline]


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    autocomplete_fields = ("unit",)


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "campaign", "start_date")
    list_filter = ("campaign",)
    inlines = [AssignmentInline]
