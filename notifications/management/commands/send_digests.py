from django.core.management.base import BaseCommand

from notifications.digests import send_digests


class Command(BaseCommand):
    help = (
        "E-mail each person who asked for a daily digest what is new and unread in their "
        "inbox. Run it once a day from a scheduler; running it again sends nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            help="Counterpoint's address for the links (default: the SITE_URL setting).",
        )

    def handle(self, *args, base_url=None, **options):
        emails, items = send_digests(site_url=base_url)
        self.stdout.write(f"Sent {emails} digest(s) with {items} notification(s).")
