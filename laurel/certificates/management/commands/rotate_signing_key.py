from django.core.management.base import BaseCommand

from laurel.certificates import keys, services
from laurel.core.services import log_action


class Command(BaseCommand):
    help = "Retire the current signing key and create a new one. Old keys stay in the DID document."

    def handle(self, *args, **options):
        key = keys.rotate()
        services.refresh_status_list()
        log_action("certificates.signing_key.rotated", data={"fragment": key.fragment})
        self.stdout.write(f"New signing key: {keys.verification_method(key)}")
