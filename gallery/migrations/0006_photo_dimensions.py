from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("gallery", "0005_scan_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="photo",
            name="width",
            field=models.PositiveIntegerField(
                blank=True, editable=False, null=True, verbose_name="width"
            ),
        ),
        migrations.AddField(
            model_name="photo",
            name="height",
            field=models.PositiveIntegerField(
                blank=True, editable=False, null=True, verbose_name="height"
            ),
        ),
        migrations.AddField(
            model_name="photo",
            name="placeholder",
            field=models.CharField(
                blank=True,
                db_default="",
                editable=False,
                max_length=7,
                verbose_name="placeholder colour",
            ),
        ),
    ]
