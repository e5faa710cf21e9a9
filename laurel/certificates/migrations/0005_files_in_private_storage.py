"""Files stored before uploads had random names move into their storage area under a random name."""

from django.db import migrations

from laurel.core.storage import relocate_files

FIELDS = [
    ("CertificateTemplate", "seal"),
    ("CertificateTemplate", "signature"),
    ("Certificate", "pdf"),
]


def relocate(apps, schema_editor):
    for model_name, field_name in FIELDS:
        relocate_files(apps.get_model("certificates", model_name), field_name)


class Migration(migrations.Migration):
    dependencies = [("certificates", "0004_atomic_numbering")]

    operations = [migrations.RunPython(relocate, migrations.RunPython.noop, elidable=True)]
