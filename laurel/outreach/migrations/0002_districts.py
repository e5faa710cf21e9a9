from django.db import migrations

DISTRICTS = [
    ("东湖区", "Donghu District"), ("西山区", "Xishan District"), ("南港区", "Nangang District"),
    ("北塘区", "Beitang District"), ("新城区", "Xincheng District"), ("高新区", "High-tech Zone"),
    ("临江县", "Linjiang County"), ("青石县", "Qingshi County"),
]  # fmt: skip


def seed_districts(apps, schema_editor):
    District = apps.get_model("outreach", "District")
    for order, (name, name_en) in enumerate(DISTRICTS):
        District.objects.get_or_create(name=name, defaults={"name_en": name_en, "order": order})


class Migration(migrations.Migration):
    dependencies = [("outreach", "0001_initial")]
    operations = [migrations.RunPython(seed_districts, migrations.RunPython.noop)]
