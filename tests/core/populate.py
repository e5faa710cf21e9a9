"""Fill an installation for the backup test (`manage.py shell -c "from tests.core.populate import run; run()"`), and
describe it exactly (`snapshot`): every table's rows and every stored file's checksum."""

import hashlib
import json

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection


def run():
    from laurel.honors import votes
    from tests.factories.honors import NominationFactory, jpeg, vote_campaign
    from tests.factories.news import ArticleFactory
    from tests.factories.people import UserFactory

    campaign, nominations = vote_campaign(candidates=3)
    for index, nomination in enumerate(nominations):
        votes.cast_vote(nomination, actor=UserFactory(), address=f"192.0.2.{index + 1}")
    NominationFactory(campaign=campaign, photos=2)  # PDFs and photos: the private area
    article = ArticleFactory(title="备份与恢复")
    article.cover.save("cover.jpg", jpeg("cover.jpg"))  # the public area
    storages["default"].save("imports/people.csv", ContentFile("姓名,单位\n林晓,云州大学\n".encode()))


def snapshot():
    tables = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows = sorted(repr(tuple(str(value) for value in row)) for row in cursor.fetchall())
            tables[table] = [len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest()]
    from laurel.core.backup import AREAS, _walk

    files = {}
    for area, alias in AREAS.items():
        for name in _walk(storages[alias]):
            with storages[alias].open(name, "rb") as handle:
                files[f"{area}/{name}"] = hashlib.sha256(handle.read()).hexdigest()
    print(json.dumps({"tables": tables, "files": files}))
