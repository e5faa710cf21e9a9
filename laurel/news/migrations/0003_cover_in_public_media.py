"""Article covers live in the public media area (MEDIA_ROOT/public); those stored before move there under a random
name."""

from django.db import migrations, models

import laurel.core.storage
from laurel.core.storage import relocate_files


def relocate(apps, schema_editor):
    relocate_files(apps.get_model("news", "Article"), "cover")


class Migration(migrations.Migration):
    dependencies = [("news", "0002_article_campaign_article_lecture_group")]

    operations = [
        migrations.AlterField(
            model_name="article",
            name="cover",
            field=models.ImageField(
                blank=True,
                storage=laurel.core.storage.public_storage,
                upload_to="news/covers/",
                verbose_name="cover photo",
            ),
        ),
        migrations.RunPython(relocate, migrations.RunPython.noop, elidable=True),
    ]
