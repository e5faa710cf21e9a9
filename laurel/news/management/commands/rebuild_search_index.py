from django.core.management.base import BaseCommand

from laurel.news import search


class Command(BaseCommand):
    help = "Write the site search's index anew from the public articles, honorees, events and talk topics."

    def handle(self, *args, **options):
        count = search.rebuild()
        self.stdout.write(f"search index: {count} entries")
