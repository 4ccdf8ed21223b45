from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("casesearch", "0002_engine")]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="digest",
            field=models.BigIntegerField(blank=True, null=True),
        ),
    ]
