from datetime import timedelta

import factory
from django.utils import timezone

from comparisons.models import Comparison, Contrast, Dimension, Passage, Section, Subject
from counterpoint.models import Assignment, Classroom, Membership, User

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save(update_fields=["password"])


class ClassroomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Classroom

    name = factory.Sequence(lambda n: f"History {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    classroom = factory.SubFactory(ClassroomFactory)
    role = Membership.Role.STUDENT


class ComparisonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comparison

    title = "How was Khrushchev different from Stalin?"
    question = "How was Khrushchev different from Stalin?"
    summary = "Two Soviet leaders, compared."
    author = factory.SubFactory(UserFactory)
    is_published = True


class SubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subject

    comparison = factory.SubFactory(ComparisonFactory)
    name = factory.Sequence(lambda n: f"Subject {n}")
    colour = "red"
    order = factory.Sequence(int)


class DimensionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dimension

    comparison = factory.SubFactory(ComparisonFactory)
    name = factory.Sequence(lambda n: f"Dimension {n}")
    order = factory.Sequence(int)


class ContrastFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contrast

    dimension = factory.SubFactory(DimensionFactory)
    subject = factory.SubFactory(SubjectFactory)
    statement = "A short statement."


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    comparison = factory.SubFactory(ComparisonFactory)
    heading = factory.Sequence(lambda n: f"Section {n}")
    order = factory.Sequence(int)


class PassageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Passage

    section = factory.SubFactory(SectionFactory)
    text = "Stalin ruled through fear; Khrushchev relaxed the terror."
    order = factory.Sequence(int)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    classroom = factory.SubFactory(ClassroomFactory)
    comparison = factory.SubFactory(ComparisonFactory)
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    essay_prompt = "How far did Khrushchev break with Stalin?"


def comparison_with_content(author, *, sections=2, passages_per_section=2):
    """A published comparison with two subjects, two dimensions, a full matrix and text."""
    comparison = ComparisonFactory(author=author)
    subjects = [
        SubjectFactory(comparison=comparison, name="Stalin", colour="red", order=0),
        SubjectFactory(comparison=comparison, name="Khrushchev", colour="blue", order=1),
    ]
    dimensions = [
        DimensionFactory(comparison=comparison, name="Leadership style", order=0),
        DimensionFactory(comparison=comparison, name="Foreign policy", order=1),
    ]
    for dimension in dimensions:
        for subject in subjects:
            ContrastFactory(
                dimension=dimension,
                subject=subject,
                statement=f"{subject.name} on {dimension.name.lower()}",
            )
    for s in range(sections):
        section = SectionFactory(comparison=comparison, heading=f"Part {s + 1}", order=s)
        for p in range(passages_per_section):
            passage = PassageFactory(section=section, order=p, text=f"Paragraph {s + 1}.{p + 1}")
            passage.dimensions.add(dimensions[p % 2])
    return comparison


class AnnotationFactory(factory.django.DjangoModelFactory):
    """An annotation on the first words of a passage of its assignment's comparison, or with
    `parent`, a reply in that thread (no selectors, the thread's assignment and passage).

    Pass `passage` (and `start`/`end` inside its text) to annotate elsewhere; `subjects` and
    `tags` take lists. `build()` makes unsaved rows for `bulk_create`, without subjects/tags.
    """

    class Meta:
        model = "annotations.Annotation"
        skip_postgeneration_save = True

    class Params:
        selector = factory.LazyAttribute(
            lambda o: None if o.parent else _selector_for(o.passage.text, o.start, o.end)
        )

    parent = None
    assignment = factory.Maybe(
        "parent",
        yes_declaration=factory.SelfAttribute("parent.assignment"),
        no_declaration=factory.SubFactory(AssignmentFactory),
    )
    passage = factory.LazyAttribute(
        lambda o: (
            o.parent.passage
            if o.parent
            else Passage.objects.filter(section__comparison=o.assignment.comparison).first()
            or PassageFactory(section__comparison=o.assignment.comparison)
        )
    )
    author = factory.SubFactory(UserFactory)
    start = factory.LazyAttribute(lambda o: None if o.parent else 0)
    end = factory.LazyAttribute(lambda o: None if o.parent else min(9, len(o.passage.text)))
    exact = factory.LazyAttribute(lambda o: o.selector.exact if o.selector else "")
    prefix = factory.LazyAttribute(lambda o: o.selector.prefix if o.selector else "")
    suffix = factory.LazyAttribute(lambda o: o.selector.suffix if o.selector else "")
    body = factory.Sequence(lambda n: f"Note {n}")
    kind = "comment"
    visibility = factory.LazyAttribute(lambda o: o.parent.visibility if o.parent else "class")

    @factory.post_generation
    def subjects(self, create, extracted, **kwargs):
        if create and extracted:
            self.subjects.set(extracted)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            from annotations.services import tags_set

            tags_set(self, list(extracted))


def _selector_for(text, start, end):
    from annotations.anchoring import selector_for

    return selector_for(text, start, end)
