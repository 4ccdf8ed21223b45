from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = "案卷与音像记录"
    default_auto_field = "django.db.models.BigAutoField"
