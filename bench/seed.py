"""Seed a benchmark class and write the plan the load generator follows.

    DJANGO_SETTINGS_MODULE=counterpoint.settings python -m bench.seed --out plan.json

One teacher, 40 students, the demo comparison assigned to their class, 1,000 annotations spread
over every paragraph (with subjects, dimensions, tags, some replies, links and helpful marks),
and one outline per student made by the real builder. The plan (JSON) holds what the virtual
users need and nothing that needs Django: session keys (signed in already, so the burst does
not spend its first seconds on 41 password hashes), API tokens, the assignment, class and
outline ids, and for every paragraph a list of ready-made selections whose selectors were
computed by `annotations.anchoring.selector_for` from the paragraph's text.
"""

import argparse
import json
import os
import random
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SELECTIONS_PER_PASSAGE = 12
# Every bench account's password: the accounts live only in a throwaway database.
PASSWORD = "bench-not-a-real-password"


def _setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "counterpoint.settings")
    import django

    django.setup()


def selections(text: str, count: int, rng: random.Random) -> list[dict]:
    """Word-aligned selections of 2 to 8 words in `text`, with W3C selectors."""
    from annotations import anchoring

    words = [(m.start(), m.end()) for m in _words(text)]
    if not words:
        return []
    made = []
    for _ in range(count):
        first = rng.randrange(len(words))
        last = min(len(words) - 1, first + rng.randint(1, 7))
        start, end = words[first][0], words[last][1]
        selector = anchoring.selector_for(text, start, end)
        made.append(
            {
                "exact": selector.exact,
                "prefix": selector.prefix,
                "suffix": selector.suffix,
                "start": selector.start,
                "end": selector.end,
            }
        )
    return made


def _words(text):
    import re

    return re.finditer(r"\S+", text)


def seed(
    *,
    students: int = 40,
    annotations: int = 1000,
    outlines: int = 40,
    seed: int = 8,
    tag: str = "",
    groups: int = 0,
):
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction
    from django.db.models import (
        DateTimeField,
        DurationField,
        ExpressionWrapper,
        F,
        Min,
        Value,
    )
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from annotations.models import Annotation, Helpful, Link, Tag
    from comparisons import importer
    from comparisons.models import Passage
    from comparisons.services import comparison_import
    from counterpoint.management.commands.seed_demo import DEMO_ARTICLE
    from counterpoint.models import Assignment, Classroom, Membership, User
    from essays.services import builder_material, outline_build

    rng = random.Random(seed)
    password = make_password(PASSWORD)  # hashed once, shared

    with transaction.atomic():
        teacher = User.objects.create(
            email=f"teacher@bench{tag}.counterpoint.test",
            display_name="Bench Teacher",
            password=password,
        )
        people = User.objects.bulk_create(
            [
                User(
                    email=f"student{i:02d}@bench{tag}.counterpoint.test",
                    display_name=f"Student {i:02d}",
                    password=password,
                )
                for i in range(1, students + 1)
            ]
        )
        classroom = Classroom.objects.create(name="Bench class")
        Membership.objects.create(user=teacher, classroom=classroom, role="teacher")
        Membership.objects.bulk_create(
            [Membership(user=u, classroom=classroom, role="student") for u in people]
        )
        parsed = importer.parse_comparison(DEMO_ARTICLE.read_text(encoding="utf-8"))
        comparison = comparison_import(parsed=parsed, author=teacher, publish=True)
        assignment = Assignment.objects.create(
            classroom=classroom,
            comparison=comparison,
            due_at=timezone.now() + timedelta(days=7),
            instructions="Annotate, reply, then build an outline.",
            essay_prompt="How was Khrushchev different from Stalin?",
        )
        passages = list(
            Passage.objects.filter(section__comparison=comparison).order_by(
                "section__order", "order"
            )
        )
        subjects = list(comparison.subjects.order_by("order"))
        dimensions = list(comparison.dimensions.order_by("order"))
        picks = {p.pk: selections(p.text, SELECTIONS_PER_PASSAGE, rng) for p in passages}
        passages = [p for p in passages if picks[p.pk]]

        rows = []
        for i in range(annotations):
            passage = passages[i % len(passages)]
            choice = rng.choice(picks[passage.pk])
            rows.append(
                Annotation(
                    assignment=assignment,
                    passage=passage,
                    author=people[i % len(people)],
                    body=f"Seeded note {i}: what this shows about the two leaders.",
                    kind=rng.choice(["evidence", "evidence", "question", "comment"]),
                    dimension=rng.choice(dimensions + [None]),
                    visibility="class" if i % 10 else rng.choice(["private", "teacher"]),
                    **choice,
                )
            )
        made = Annotation.objects.bulk_create(rows)
        Annotation.subjects.through.objects.bulk_create(
            [
                Annotation.subjects.through(annotation_id=a.pk, subject_id=s.pk)
                for a in made
                for s in rng.sample(subjects, rng.choice([1, 1, 1, 2]))
            ]
        )
        Tag.objects.bulk_create(
            [
                Tag(annotation=a, name=rng.choice(["terror", "thaw", "cult", "reform"]))
                for a in made[::4]
            ]
        )
        shared = [a for a in made if a.visibility == "class"]
        Annotation.objects.bulk_create(
            [
                Annotation(
                    assignment=assignment,
                    passage_id=a.passage_id,
                    author=people[(j + 7) % len(people)],
                    parent=a,
                    body=f"Seeded reply {j}: I read this differently.",
                    kind="comment",
                    visibility="class",
                )
                for j, a in enumerate(shared[::10])
            ]
        )
        # A class writes its notes over a lesson, not in one instant: the notes and replies
        # are spread over the 90 minutes before now, in the order they were made. (Made in
        # bulk, they would all carry one moment, which a live poll's "changed since" window
        # takes in whole: every first poll after a page load would get the whole list.)
        seeded = Annotation.objects.filter(assignment=assignment)
        first = seeded.aggregate(first=Min("pk"))["first"]
        step = timedelta(minutes=90) / max(seeded.count(), 1)
        moment = ExpressionWrapper(
            Value(timezone.now() - timedelta(minutes=90), output_field=DateTimeField())
            + ExpressionWrapper(
                (F("pk") - first) * Value(step, output_field=DurationField()),
                output_field=DurationField(),
            ),
            output_field=DateTimeField(),
        )
        seeded.update(created_at=moment, updated_at=moment)
        Helpful.objects.bulk_create(
            [
                Helpful(annotation=a, user=people[(j + 3) % len(people)])
                for j, a in enumerate(shared[::5])
            ]
        )
        Link.objects.bulk_create(
            [
                Link(
                    assignment=assignment,
                    source=a,
                    target=b,
                    author=a.author,
                    relation="difference",
                    dimension=a.dimension,
                    explanation="Seeded link between two notes.",
                )
                for a, b in zip(shared[0:60:3], shared[1:61:3], strict=True)
            ]
        )

    backend = "counterpoint.backends.UserBackend"  # as the login page signs people in
    if backend not in settings.AUTHENTICATION_BACKENDS:
        backend = settings.AUTHENTICATION_BACKENDS[-1]
    sessions = {}
    for user in [teacher, *people]:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = backend
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions[user.pk] = store.session_key
    tokens = {
        t.user_id: t.key
        for t in Token.objects.bulk_create(
            [Token(user=u, key=Token.generate_key()) for u in [teacher, *people]]
        )
    }

    outline_ids = {}
    for student in people[:outlines]:
        material = builder_material(assignment, student)
        keys = [f"annotation:{a.pk}" for a in material.annotations if a.author_id == student.pk][:6]
        outline = outline_build(
            material=material,
            assignment=assignment,
            author=student,
            dimension_ids=[d.pk for d in material.dimensions],
            cell_ids=[],
            evidence_keys=keys,
            structure="point_by_point",
            stance="differences",
        )
        outline_ids[student.pk] = outline.pk

    group_of = {}
    if groups:  # a lecture in small groups of about `groups` (the teacher's "split" button)
        from counterpoint.groups import groups_split

        groups_split(classroom=classroom, size=groups, shuffle=False)
        group_of = dict(
            Membership.objects.filter(classroom=classroom).values_list("user_id", "group_id")
        )

    def reply_to(user):
        """What this student may reply to: with groups, their group's notes and the teacher's."""
        if not group_of:
            return None
        mine = group_of.get(user.pk)
        return [
            a.pk for a in shared if a.author_id == teacher.pk or group_of.get(a.author_id) == mine
        ][:200]

    shared_ids = [a.pk for a in shared]
    return {
        "assignment": assignment.pk,
        "classroom": classroom.pk,
        "comparison": comparison.pk,  # the teacher wrote it: the cluster check edits it
        "sections": list(comparison.sections.values_list("pk", flat=True)),
        "dimensions": [d.pk for d in dimensions],
        "password": PASSWORD,
        "teacher": {
            "id": teacher.pk,
            "email": teacher.email,
            "session": sessions[teacher.pk],
            "token": tokens[teacher.pk],
        },
        "students": [
            {
                "id": u.pk,
                "email": u.email,
                "session": sessions[u.pk],
                "token": tokens[u.pk],
                "outline": outline_ids.get(u.pk),
                "own": [a.pk for a in made if a.author_id == u.pk and a.visibility == "class"][:6],
                "reply_to": reply_to(u),
            }
            for u in people
        ],
        "passages": [{"id": p.pk, "selections": picks[p.pk]} for p in passages],
        "reply_to": shared_ids,
        "moderate": shared_ids[:20],
        "outlines": list(outline_ids.values()),
        "seeded": {
            "annotations": len(made),
            "replies": Annotation.objects.filter(
                assignment=assignment, parent__isnull=False
            ).count(),
            "outlines": len(outline_ids),
        },
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--annotations", type=int, default=1000)
    parser.add_argument("--outlines", type=int, default=40)
    parser.add_argument("--classes", type=int, default=1)
    parser.add_argument("--groups", type=int, default=0, help="small groups of about this size")
    args = parser.parse_args(argv)
    _setup_django()
    # Each class its own teacher, students, comparison, assignment and notes; the plan is the
    # first class's, with every class under "classes" when there are more (bench.locustfile).
    classes = [
        seed(
            students=args.students,
            annotations=args.annotations,
            outlines=args.outlines,
            seed=8 + number,
            tag=str(number) if number else "",
            groups=args.groups,
        )
        for number in range(args.classes)
    ]
    plan = {**classes[0], "classes": classes} if args.classes > 1 else classes[0]
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # planner statistics, as a live database has
            cursor.execute("ANALYZE")
    Path(args.out).write_text(json.dumps(plan))
    print(
        f"seeded assignment {plan['assignment']}: {len(plan['students'])} students, "
        f"{plan['seeded']['annotations']} annotations, {plan['seeded']['replies']} replies, "
        f"{plan['seeded']['outlines']} outlines"
    )


if __name__ == "__main__":
    main()
