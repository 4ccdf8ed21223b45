from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "access"
    verbose_name = "权限与访问"
    default_auto_field = "django.db.models.BigAutoField"
