"""Files stored before uploads had random names move into their storage area under a random name."""

from django.db import migrations

from laurel.core.storage import relocate_files

FIELDS = [
    ("Nomination", "id_photo"),
    ("Nomination", "evidence"),
    ("Nomination", "unit_opinion"),
    ("Nomination", "integrity_certificate"),
    ("NominationPhoto", "image"),
    ("ObjectionEvidence", "file"),
]


def relocate(apps, schema_editor):
    for model_name, field_name in FIELDS:
        relocate_files(apps.get_model("honors", model_name), field_name)


class Migration(migrations.Migration):
    dependencies = [("honors", "0007_joint_vetting")]

    operations = [migrations.RunPython(relocate, migrations.RunPython.noop, elidable=True)]
