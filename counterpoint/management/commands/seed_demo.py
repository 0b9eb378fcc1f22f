"""Load a demo class you can click through. Safe to run again: it changes nothing twice."""

from datetime import timedelta
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from comparisons import importer
from comparisons.models import Comparison
from comparisons.services import comparison_import
from counterpoint.models import Assignment, Classroom, Membership, User

DEMO_PASSWORD = "counterpoint-demo"
DEMO_TEACHER = ("teacher@demo.counterpoint.test", "Ms Rivera")
DEMO_STUDENTS = [
    ("ana@demo.counterpoint.test", "Ana"),
    ("ben@demo.counterpoint.test", "Ben"),
    ("chloe@demo.counterpoint.test", "Chloé"),
    ("dev@demo.counterpoint.test", "Dev"),
    ("ewa@demo.counterpoint.test", "Ewa"),
]
DEMO_CLASS = "Year 11 History (demo)"
DEMO_ARTICLE = Path(__file__).resolve().parents[3] / "comparisons" / "demo" / "khrushchev-stalin.md"
DEMO_PROMPT = (
    "To what extent was Khrushchev's leadership a break with Stalin's? "
    "Compare them on at least three dimensions, with evidence from the text."
)
DEMO_INSTRUCTIONS = (
    "Read the whole text first. Then highlight evidence about both leaders, "
    "and reply to at least two classmates before you start your outline."
)


def demo_user(email, name):
    user, created = User.objects.get_or_create(email=email, defaults={"display_name": name})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


class Command(BaseCommand):
    help = "Create (or leave as they are) a demo teacher, students, class and assigned comparison."

    @transaction.atomic
    def handle(self, *args, **options):
        teacher = demo_user(*DEMO_TEACHER)
        students = [demo_user(email, name) for email, name in DEMO_STUDENTS]

        classroom = Classroom.objects.filter(
            name=DEMO_CLASS, memberships__user=teacher, memberships__role="teacher"
        ).first()
        if classroom is None:
            classroom = Classroom.objects.create(name=DEMO_CLASS)
        Membership.objects.get_or_create(
            user=teacher, classroom=classroom, defaults={"role": Membership.Role.TEACHER}
        )
        for student in students:
            Membership.objects.get_or_create(
                user=student, classroom=classroom, defaults={"role": Membership.Role.STUDENT}
            )

        comparison = Comparison.objects.filter(author=teacher).order_by("pk").first()
        if comparison is None:
            parsed = importer.parse_comparison(DEMO_ARTICLE.read_text(encoding="utf-8"))
            if not parsed.ok:
                problems = "; ".join(p.message for p in parsed.problems)
                raise CommandError(f"The demo article does not import: {problems}")
            comparison = comparison_import(parsed=parsed, author=teacher, publish=True)

        if not classroom.assignments.filter(comparison=comparison).exists():
            Assignment.objects.create(
                classroom=classroom,
                comparison=comparison,
                due_at=timezone.now() + timedelta(days=14),
                instructions=DEMO_INSTRUCTIONS,
                essay_prompt=DEMO_PROMPT,
            )

        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write(f"  Class: {classroom.name} (join code {classroom.join_code_display})")
        self.stdout.write(f"  Password for every demo account: {DEMO_PASSWORD}")
        self.stdout.write(f"  Teacher: {teacher.email}")
        for student in students:
            self.stdout.write(f"  Student: {student.email}")
