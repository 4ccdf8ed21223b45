from django.contrib import admin

from .models import WorkingCalendarYear


@admin.register(WorkingCalendarYear)
class WorkingCalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "source", "entered_by", "entered_at"]
    readonly_fields = ["entered_by", "entered_at"]

    def save_model(self, request, obj, form, change):
        obj.entered_by = request.user
        super().save_model(request, obj, form, change)
