"""Files stored before uploads had random names move into their storage area under a random name."""

from django.db import migrations

from laurel.core.storage import relocate_files

FIELDS = [
    ("TalkPhoto", "image"),
]


def relocate(apps, schema_editor):
    for model_name, field_name in FIELDS:
        relocate_files(apps.get_model("outreach", model_name), field_name)


class Migration(migrations.Migration):
    dependencies = [("outreach", "0004_talk_expired")]

    operations = [migrations.RunPython(relocate, migrations.RunPython.noop, elidable=True)]
