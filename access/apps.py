from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "access"
    verbose_name = "权限与访问"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from access.log.signals import connect_auth_signals
        from access.log.triggers import connect_truncate_permission

        connect_auth_signals()
        connect_truncate_permission()
