from django.core.management.base import BaseCommand

from laurel.outreach.expiry import expire_stale_requests


class Command(BaseCommand):
    help = "Expire talk requests whose preferred dates have passed without a speaker, and tell their hosts."

    def handle(self, *args, **options):
        self.stdout.write(f"{expire_stale_requests()} requests expired")
