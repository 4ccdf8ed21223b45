"""Triggers that keep each entry's copies of its case's unit and of the marks exact in the
transaction that changes them (search.entry_copies), for both database vendors."""

from django.db import migrations

from search.entry_copies import triggers_install, triggers_uninstall


class Migration(migrations.Migration):
    dependencies = [
        ("casesearch", "0003_searchentry_digest"),
        ("records", "0006_case_stored_flags"),
    ]

    operations = [migrations.RunPython(triggers_install, triggers_uninstall, elidable=False)]
