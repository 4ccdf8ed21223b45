from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    label = "casesearch"
    verbose_name = "全文检索"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import segmentation, signals

        def extra_terms():
            from .models import SearchTerm

            return SearchTerm.objects.values_list("word", flat=True)

        segmentation.extra_terms_loader = extra_terms
        signals.connect()
        from django.db.models.signals import post_migrate

        from .entry_copies import triggers_ensure
        from .fts_triggers import fts_triggers_ensure

        post_migrate.connect(triggers_ensure, sender=self,
                             dispatch_uid="casesearch:entry_copies_triggers")
        post_migrate.connect(fts_triggers_ensure, sender=self,
                             dispatch_uid="casesearch:fts_triggers")
