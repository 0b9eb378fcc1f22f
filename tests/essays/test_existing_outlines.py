"""Outlines made before the builder stopped writing keep their text: the migration labels where
each piece of evidence came from and changes nothing the student (or the old builder) wrote."""

import importlib

import pytest
from django.apps import apps

from essays.models import Evidence, Outline
from tests.annotations.helpers import annotate
from tests.essays.helpers import make_outline

pytestmark = pytest.mark.django_db

migration = importlib.import_module("essays.migrations.0005_student_writes_the_argument")


def test_labelling_sources_keeps_every_word_and_relation(assignment, student, classmate, cast):
    outline = make_outline(assignment, student, cast)
    Outline.objects.filter(pk=outline.pk).update(thesis="Whereas Stalin ruled by terror, …")
    section = outline.sections.get(role="body", dimension=cast["leadership"])
    section.claim, section.reasoning = "An old generated claim.", "My answer."
    section.save()
    theirs = annotate(assignment, classmate, subjects=[cast["stalin"]])
    cell = cast["leadership"].contrasts.first()
    Evidence.objects.create(
        section=section,
        key=f"annotation:{theirs.pk}",
        annotation=theirs,
        quote="q",
        relation="difference",
        commentary="Mine.",
    )
    Evidence.objects.create(
        section=section,
        key=f"contrast:{cell.pk}",
        contrast=cell,
        note=cell.statement,
        citation="matrix",
    )
    Evidence.objects.filter(section__outline=outline).update(source="own")
    before = list(
        Evidence.objects.filter(section__outline=outline)
        .order_by("pk")
        .values_list("quote", "note", "commentary", "relation")
    )

    migration.label_sources(apps, None)

    outline.refresh_from_db()
    section.refresh_from_db()
    assert outline.thesis == "Whereas Stalin ruled by terror, …"
    assert (section.claim, section.reasoning) == ("An old generated claim.", "My answer.")
    rows = Evidence.objects.filter(section__outline=outline).order_by("pk")
    assert list(rows.values_list("quote", "note", "commentary", "relation")) == before
    sources = dict(rows.values_list("key", "source"))
    assert sources[f"annotation:{theirs.pk}"] == "classmate"
    assert sources[f"contrast:{cell.pk}"] == "table"
    assert {
        v for k, v in sources.items() if k not in (f"annotation:{theirs.pk}", f"contrast:{cell.pk}")
    } == {"own"}
