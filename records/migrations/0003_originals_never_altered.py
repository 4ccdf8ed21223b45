"""PostgreSQL triggers that refuse UPDATE of an original's content and DELETE of its row
(第二十八条), for audio/video records and documents. Written by hand (records.original_guard);
on other databases it does nothing (the Python guards still apply)."""

from django.db import migrations

from records.original_guard import triggers_install, triggers_uninstall


class Migration(migrations.Migration):

    dependencies = [
        ("records", "0002_casefile"),
    ]

    operations = [
        migrations.RunPython(triggers_install, triggers_uninstall, elidable=False),
    ]
