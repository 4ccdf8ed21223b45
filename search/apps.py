from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    label = "casesearch"
    verbose_name = "全文检索"
    default_auto_field = "django.db.models.BigAutoField"
