"""A photo's album gets no index of its own: the unique index on (album,
filename) starts with it and serves the same lookups.

The index is dropped by name, as the database reports it, rather than by
altering the field, which SQLite would do by copying the whole photo table.
"""

import django.db.models.deletion
from django.db import migrations, models

# The name Django gave the index of the foreign key (the same on every
# database), for the way back.
ALBUM_INDEX = "gallery_photo_album_id_898c46f6"


def album_indexes(schema_editor, model):
    """The names of the indexes of ``model``'s table on its album column alone."""
    connection = schema_editor.connection
    column = model._meta.get_field("album").column
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(
            cursor, model._meta.db_table
        )
    return [
        name
        for name, details in constraints.items()
        if details["columns"] == [column]
        and details["index"]
        and not details["unique"]
        and not details["primary_key"]
    ]


def drop_album_index(apps, schema_editor):
    photo = apps.get_model("gallery", "Photo")
    for name in album_indexes(schema_editor, photo):
        schema_editor.remove_index(photo, models.Index(fields=["album"], name=name))


def create_album_index(apps, schema_editor):
    photo = apps.get_model("gallery", "Photo")
    if not album_indexes(schema_editor, photo):
        index = models.Index(fields=["album"], name=ALBUM_INDEX)
        schema_editor.add_index(photo, index)


class Migration(migrations.Migration):
    dependencies = [
        ("gallery", "0006_photo_dimensions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="photo",
                    name="album",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        to="gallery.album",
                        verbose_name="album",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunPython(drop_album_index, create_album_index),
            ],
        ),
    ]
