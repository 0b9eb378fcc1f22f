from django.core.management.base import BaseCommand

from lti.services import send_due_scores


class Command(BaseCommand):
    help = "Send released scores to LMS gradebooks: every pending one whose retry time has come."

    def handle(self, *args, **options):
        done = send_due_scores()
        self.stdout.write(f"Tried {done} score(s).")
