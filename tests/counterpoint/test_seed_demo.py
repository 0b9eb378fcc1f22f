import pytest
from django.core.management import call_command

from comparisons.models import Comparison
from counterpoint.models import Assignment, Classroom, Membership, User

pytestmark = pytest.mark.django_db


def counts():
    return [m.objects.count() for m in (User, Classroom, Membership, Comparison, Assignment)]


def test_seed_demo_is_idempotent_and_assigns_the_demo_comparison(capsys):
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")

    assert counts() == first
    assignment = Assignment.objects.get()
    assert assignment.comparison.title == "How was Khrushchev different from Stalin?"
    assert assignment.comparison.is_published
    assert assignment.comparison.subjects.count() == 2
    assert assignment.comparison.dimensions.count() == 5
    from annotations.models import Annotation
    from essays.models import Outline

    assert Annotation.objects.filter(assignment=assignment).count() >= 10
    assert Outline.objects.filter(assignment=assignment, status="submitted").count() == 1
    out = capsys.readouterr().out
    assert "teacher@demo.counterpoint.test" in out
    assert "counterpoint-demo" in out
