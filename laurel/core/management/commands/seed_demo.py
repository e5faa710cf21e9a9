"""Load the demo association's data. Idempotent: running it twice leaves the same data.

Each app that has demo data provides `laurel/<app>/demo.py` with `seed(*, stdout) -> list[Login]`; they
run in INSTALLED_APPS order, so an app's demo data can build on the apps below it.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import override


class Command(BaseCommand):
    help = "Load the demo association's data (idempotent) and print one login per persona."

    def handle(self, *args, **options):
        logins = []
        with override("zh-hans"):
            for app_config in apps.get_app_configs():
                if not app_config.name.startswith("laurel."):
                    continue
                module_name = f"{app_config.name}.demo"
                if find_spec(module_name) is None:
                    continue
                module = import_module(module_name)
                with transaction.atomic():
                    logins.extend(module.seed(stdout=self.stdout) or [])
        from laurel.people.demo import DEMO_PASSWORD

        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo logins (password for all: %s):" % DEMO_PASSWORD))
        for login in logins:
            self.stdout.write(f"  {login.persona:<22} {login.email:<32} {login.note}")
