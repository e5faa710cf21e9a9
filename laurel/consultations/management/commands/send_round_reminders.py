from django.core.management.base import BaseCommand

from laurel.consultations.reminders import send_round_reminders


class Command(BaseCommand):
    help = "Mail serving experts who have not rated every statement, a day before a Delphi round closes."

    def handle(self, *args, **options):
        self.stdout.write(f"{send_round_reminders()} reminders sent")
