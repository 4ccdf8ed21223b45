"""Wagtail admin registration: the working-day calendar years (第二十五条) as a snippet under
Settings, so that an administrator enters next year's holidays when the State Council
publishes them."""

from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, EditView, SnippetViewSet

from .models import WorkingCalendarYear


class _RecordsWhoEntered:
    def save_instance(self):
        self.form.instance.entered_by = self.request.user
        return super().save_instance()


class WorkingCalendarYearCreateView(_RecordsWhoEntered, CreateView):
    pass


class WorkingCalendarYearEditView(_RecordsWhoEntered, EditView):
    pass


class WorkingCalendarYearViewSet(SnippetViewSet):
    model = WorkingCalendarYear
    icon = "date"
    menu_label = "工作日历"
    menu_name = "working-calendar"
    add_to_settings_menu = True
    add_view_class = WorkingCalendarYearCreateView
    edit_view_class = WorkingCalendarYearEditView
    list_display = ["year", "source", "holiday_count", "makeup_workday_count", "entered_by", "entered_at"]
    ordering = ["-year"]
    panels = [
        FieldPanel("year"),
        FieldPanel("holidays"),
        FieldPanel("makeup_workdays"),
        FieldPanel("source"),
    ]


register_snippet(WorkingCalendarYearViewSet)
