"""Wagtail admin registration: the administrators' extra dictionary words (检索词条) as a
snippet under Settings. A word saved here is used by the process that saved it at once and by
the others after they restart; `python manage.py reindex` applies it to records already indexed."""

from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, EditView, SnippetViewSet

from .models import SearchTerm


class _WhoAdded:
    def save_instance(self):
        if not self.form.instance.added_by_id:
            self.form.instance.added_by = self.request.user
        return super().save_instance()


class SearchTermCreateView(_WhoAdded, CreateView):
    pass


class SearchTermEditView(_WhoAdded, EditView):
    pass


class SearchTermViewSet(SnippetViewSet):
    model = SearchTerm
    icon = "search"
    menu_label = "检索词条"
    menu_name = "search-terms"
    add_to_settings_menu = True
    add_view_class = SearchTermCreateView
    edit_view_class = SearchTermEditView
    list_display = ["word", "note", "added_by", "added_at"]
    search_fields = ["word", "note"]
    panels = [FieldPanel("word"), FieldPanel("note")]


register_snippet(SearchTermViewSet)
