"""Load a demo class you can click through. Safe to run again: it changes nothing twice."""

from datetime import timedelta
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from annotations import anchoring
from annotations.models import Annotation, Helpful, Link, Tag
from comparisons import importer
from comparisons.models import Comparison, Passage
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
# (who, quote, note, kind, subject, dimension, tags, visibility), written by us for the demo.
DEMO_ANNOTATIONS = [
    (
        "ana",
        "A huge cult of personality presented Stalin as a genius",
        "Stalin made himself the centre of everything: the cult meant nobody could question him.",
        "evidence",
        "Stalin",
        "Leadership style",
        "cult",
        "class",
    ),
    (
        "ben",
        "announced a collective leadership",
        "Power was shared at first, the opposite of Stalin's one-man rule.",
        "evidence",
        "Khrushchev",
        "Leadership style",
        "",
        "class",
    ),
    (
        "chloe",
        "Khrushchev was talkative, blunt and impulsive",
        "Personality matters here: he "
        "acted on instinct, which explains some of his failures later.",
        "evidence",
        "Khrushchev",
        "Leadership style",
        "personality",
        "class",
    ),
    (
        "dev",
        "around 680,000 people were executed in 1937 and 1938 alone",
        "The scale of the Terror in numbers.",
        "evidence",
        "Stalin",
        "Domestic policy",
        "terror",
        "class",
    ),
    (
        "ewa",
        "On the Cult of Personality and Its Consequences",
        "Why was the speech secret if he wanted to change things?",
        "question",
        "Khrushchev",
        "Domestic policy",
        "",
        "class",
    ),
    (
        "ana",
        "Yet de-Stalinisation had firm limits",
        "Good counterargument for the essay: the thaw was not freedom.",
        "comment",
        "Khrushchev",
        "Domestic policy",
        "limits",
        "class",
    ),
    (
        "ben",
        "killing 26 people",
        "He used force against workers too, like Stalin did.",
        "evidence",
        "Khrushchev",
        "Domestic policy",
        "limits",
        "class",
    ),
    (
        "chloe",
        "cost around 27 million Soviet lives",
        "",
        "evidence",
        "Stalin",
        "Foreign policy",
        "",
        "class",
    ),
    (
        "dev",
        "known as peaceful coexistence",
        "A real change of tone from Stalin's mistrust.",
        "evidence",
        "Khrushchev",
        "Foreign policy",
        "",
        "class",
    ),
    (
        "ewa",
        "Soviet tanks crushed an uprising in Hungary",
        "Peaceful coexistence did not apply inside the Eastern bloc.",
        "evidence",
        "Khrushchev",
        "Foreign policy",
        "limits",
        "class",
    ),
    (
        "ana",
        "the Politburo met less often",
        "Note to self: check what the Politburo was.",
        "question",
        "Stalin",
        "Leadership style",
        "",
        "private",
    ),
]
DEMO_REPLIES = [
    (4, "teacher", "Good question. Think about who was in the room, and who he wanted to protect."),
    (4, "ana", "Maybe he was afraid of how the party would react?"),
    (0, "dev", "This links well with how Khrushchev was voted out later."),
]
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
            # Khrushchev followed Stalin: the builder offers "changed" and "continued".
            comparison.successive = True
            comparison.save(update_fields=["successive"])

        if not classroom.assignments.filter(comparison=comparison).exists():
            Assignment.objects.create(
                classroom=classroom,
                comparison=comparison,
                due_at=timezone.now() + timedelta(days=14),
                instructions=DEMO_INSTRUCTIONS,
                essay_prompt=DEMO_PROMPT,
            )

        assignment = classroom.assignments.get(comparison=comparison)
        if not assignment.annotations.exists():
            people = {
                email.split("@")[0]: user
                for (email, _), user in zip(DEMO_STUDENTS, students, strict=True)
            }
            people["teacher"] = teacher
            seed_annotations(assignment, people)
            seed_outlines(assignment, people)

        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write(f"  Class: {classroom.name} (join code {classroom.join_code_display})")
        self.stdout.write(f"  Password for every demo account: {DEMO_PASSWORD}")
        self.stdout.write(f"  Teacher: {teacher.email}")
        for student in students:
            self.stdout.write(f"  Student: {student.email}")


def seed_annotations(assignment, people):
    """A realistic morning of class annotation on the demo text."""
    comparison = assignment.comparison
    passages = list(Passage.objects.filter(section__comparison=comparison))
    subjects = {s.name: s for s in comparison.subjects.all()}
    dimensions = {d.name: d for d in comparison.dimensions.all()}
    made = []
    for who, quote, note, kind, subject, dimension, tags, visibility in DEMO_ANNOTATIONS:
        passage = next(p for p in passages if quote in p.text)
        start = passage.text.index(quote)
        selector = anchoring.selector_for(passage.text, start, start + len(quote))
        annotation = Annotation.objects.create(
            assignment=assignment,
            passage=passage,
            author=people[who],
            exact=selector.exact,
            prefix=selector.prefix,
            suffix=selector.suffix,
            start=selector.start,
            end=selector.end,
            body=note,
            kind=kind,
            dimension=dimensions[dimension],
            visibility=visibility,
        )
        annotation.subjects.set([subjects[subject]])
        for tag in filter(None, tags.split(",")):
            Tag.objects.create(annotation=annotation, name=tag)
        made.append(annotation)
    for index, who, body in DEMO_REPLIES:
        parent = made[index]
        Annotation.objects.create(
            assignment=assignment,
            passage=parent.passage,
            author=people[who],
            parent=parent,
            body=body,
            visibility=parent.visibility,
        )
    Link.objects.create(
        assignment=assignment,
        source=made[0],
        target=made[1],
        author=people["ana"],
        relation=Link.Relation.DIFFERENCE,
        dimension=dimensions["Leadership style"],
        explanation="One man ruled through a cult; the next started by sharing power.",
    )
    Link.objects.create(
        assignment=assignment,
        source=made[3],
        target=made[6],
        author=people["dev"],
        relation=Link.Relation.DEGREE,
        dimension=dimensions["Domestic policy"],
        explanation="Both used deadly force at home, but on a vastly different scale.",
    )
    for who in ("ben", "chloe", "dev"):
        Helpful.objects.create(annotation=made[0], user=people[who])
    Helpful.objects.create(annotation=made[4], user=people["ana"])


def seed_outlines(assignment, people):
    """Ben has submitted an outline built from the class's evidence; Ana is drafting one."""
    from essays.feedback import outline_transition
    from essays.services import (
        builder_material,
        outline_build,
    )

    for who, submit in (("ben", True), ("ana", False)):
        student = people[who]
        material = builder_material(assignment, student)
        keys = [f"annotation:{a.pk}" for a in material.annotations if a.kind == "evidence"]
        outline = outline_build(
            material=material,
            assignment=assignment,
            author=student,
            dimension_ids=[d.pk for d in material.dimensions[:3]],
            cell_ids=[],
            evidence_keys=keys,
            structure="point_by_point",
            stance="differences",
        )
        if submit:
            _write_as_ben(outline)
            outline_transition(outline=outline, action="submit")


BEN_JUDGEMENTS = {
    "Leadership style": (
        "changed",
        "Stalin ruled alone through fear, but Khrushchev had to win over colleagues who could "
        "and did remove him.",
        "it decided whether anyone could say no to the man at the top",
    ),
    "Domestic policy": (
        "degree",
        "Both punished dissent, yet Khrushchev freed millions from the camps while Stalin "
        "filled them.",
        "",
    ),
    "Foreign policy": (
        "continued",
        "Both kept Eastern Europe under Moscow by force, as Hungary in 1956 showed.",
        "",
    ),
}


def _write_as_ben(outline):
    """Ben's own words in the outline he submits: the builder leaves every box empty, and a
    submitted demo outline should read like a student's."""
    from essays.models import Outline

    dimensions = {d.name: d.pk for d in outline.assignment.comparison.dimensions.all()}
    chosen = set(outline.selection.get("dimensions", []))
    outline.judgements = [
        {
            "dimension": dimensions[name],
            "kind": kind,
            "sentence": sentence,
            "most_significant": name == "Leadership style",
            "why": why,
        }
        for name, (kind, sentence, why) in BEN_JUDGEMENTS.items()
        if dimensions.get(name) in chosen
    ]
    outline.thesis = (
        "Khrushchev largely broke with Stalin's rule by terror, because he needed colleagues "
        "rather than executioners, yet he kept Stalin's grip on Eastern Europe, which is why "
        "the Thaw freed prisoners at home but sent tanks into Budapest."
    )
    outline.scaffold = {**outline.scaffold, "attempted": True}
    outline.save(update_fields=["judgements", "thesis", "scaffold"])
    for section in outline.sections.all():
        if section.role == "body":
            section.claim = f"On {section.heading.lower()}, the break was real but had limits."
            section.reasoning = (
                "This matters because it shows how far one man could change a system he was "
                "raised in."
            )
        elif section.role == "counterargument":
            section.claim = "Some say nothing really changed, since Hungary was crushed in 1956."
            section.reasoning = "Yet no Soviet citizen feared a knock at night the way they had."
        elif section.role == "conclusion":
            section.claim = "Khrushchev changed how the Soviet Union was ruled, not what it was."
        section.save(update_fields=["claim", "reasoning"])
        for item in section.evidence.all():
            item.commentary = "This shows the difference between fear and persuasion."
            item.save(update_fields=["commentary"])
    Outline.objects.filter(pk=outline.pk).update(version=outline.version + 1)
