# The schema of myks-gallery 0.9.1, so that its databases upgrade in place.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def policy_fields():
    return [
        ("id", models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
        ("public", models.BooleanField(default=False, verbose_name="is public")),
        ("groups", models.ManyToManyField(blank=True, to="auth.group", verbose_name="authorized groups")),
        ("users", models.ManyToManyField(blank=True, to=settings.AUTH_USER_MODEL, verbose_name="authorized users")),
    ]


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("auth", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="Album",
            fields=[
                ("id", models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("category", models.CharField(max_length=100)),
                ("dirpath", models.CharField(max_length=200, verbose_name="directory path")),
                ("date", models.DateField()),
                ("name", models.CharField(blank=True, max_length=100)),
            ],
            options={
                "ordering": ("date", "name", "dirpath", "category"),
                "verbose_name": "album",
                "verbose_name_plural": "albums",
            },
        ),
        migrations.CreateModel(
            name="AlbumAccessPolicy",
            fields=[
                *policy_fields(),
                ("inherit", models.BooleanField(blank=True, default=True, verbose_name="photos inherit album access policy")),
                ("album", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="access_policy", to="gallery.album")),
            ],
            options={
                "verbose_name": "album access policy",
                "verbose_name_plural": "album access policies",
            },
        ),
        migrations.CreateModel(
            name="Photo",
            fields=[
                ("id", models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("filename", models.CharField(max_length=100, verbose_name="file name")),
                ("date", models.DateTimeField(blank=True, null=True)),
                ("album", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="gallery.album")),
            ],
            options={
                "ordering": ("date", "filename"),
                "permissions": (("view", "Can see all photos"), ("scan", "Can scan the photos directory")),
                "verbose_name": "photo",
                "verbose_name_plural": "photos",
            },
        ),
        migrations.CreateModel(
            name="PhotoAccessPolicy",
            fields=[
                *policy_fields(),
                ("photo", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="access_policy", to="gallery.photo")),
            ],
            options={
                "verbose_name": "photo access policy",
                "verbose_name_plural": "photo access policies",
            },
        ),
        migrations.AlterUniqueTogether(name="album", unique_together={("dirpath", "category")}),
        migrations.AlterUniqueTogether(name="photo", unique_together={("album", "filename")}),
    ]
