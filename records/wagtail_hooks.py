"""Wagtail admin registration: the working-day calendar years (第二十五条) as a snippet under
Settings, so that an administrator enters next year's holidays when the State Council
publishes them; and a menu item to the case files (/cases/) for the roles that work with
cases. The system administrator and the auditor do not read case content (三员分立,
第二十九条), so they do not get it (the case views judge every request anyway)."""

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, EditView, SnippetViewSet

from access.roles import user_role_codes

from .models import WorkingCalendarYear

#: the roles whose work is with case files (policies.roles); not sysadmin, not auditor
CASE_ROLES = frozenset({"officer", "unit_head", "legal", "bureau_head", "secrecy", "archivist",
                        "requester"})


class CaseFilesMenuItem(MenuItem):
    """执法案卷 in the admin menu, for those who hold a role with case files."""

    def is_shown(self, request):
        return bool(user_role_codes(request.user) & CASE_ROLES)


@hooks.register("register_admin_menu_item")
def register_case_files_menu_item():
    return CaseFilesMenuItem("执法案卷", reverse("records:case_list"), name="case-files",
                             icon_name="folder-open-inverse", order=150)


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
