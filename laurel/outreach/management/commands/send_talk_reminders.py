from django.core.management.base import BaseCommand

from laurel.outreach.reminders import send_talk_reminders


class Command(BaseCommand):
    help = "Mail reminders two days before confirmed talks and a connection reminder the day before online ones."

    def handle(self, *args, **options):
        self.stdout.write(f"{send_talk_reminders()} reminders sent")
