from django.conf import settings
from django.db import models
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone


class ComparisonQuerySet(models.QuerySet):
    def readable_by(self, user):
        """Mine, and those assigned to a class I belong to (published or not since).

        Teachers also see every published comparison, so they can assign one.
        """
        from counterpoint.roles import roles_by_classroom, teaches_any_class

        if not user.is_authenticated:
            return self.none()
        visible = models.Q(author=user) | models.Q(
            assignments__classroom_id__in=list(roles_by_classroom(user))
        )
        if teaches_any_class(user):
            visible |= models.Q(is_published=True)
        return self.filter(visible).distinct()

    def for_reading(self):
        """Everything the reading page shows, in a fixed number of queries."""
        return self.select_related("author", "based_on__author").prefetch_related(
            "subjects",
            Prefetch("dimensions", queryset=Dimension.objects.prefetch_related("contrasts")),
            Prefetch(
                "sections",
                queryset=Section.objects.prefetch_related(
                    Prefetch("passages", queryset=Passage.objects.prefetch_related("dimensions"))
                ),
            ),
        )


class Comparison(models.Model):
    title = models.CharField(max_length=200)
    question = models.CharField(
        max_length=300,
        help_text='The question the text answers, e.g. "How was A different from B?"',
    )
    summary = models.TextField(blank=True)
    successive = models.BooleanField(
        "the subjects follow one another in time",
        default=False,
        help_text="Khrushchev followed Stalin: the essay builder then also offers “changed” "
        "and “continued” as judgements.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comparisons"
    )
    is_published = models.BooleanField(default=False)
    # A teacher who assigns someone else's comparison assigns a copy of it (their own), so
    # no one else can change what their class reads; the copy remembers where it came from.
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ComparisonQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("comparisons:edit", args=[self.pk])

    def publish(self):
        self.is_published = True
        self.published_at = self.published_at or timezone.now()
        self.save(update_fields=["is_published", "published_at", "updated_at"])

    def unpublish(self):
        self.is_published = False
        self.save(update_fields=["is_published", "updated_at"])


class SubjectColour(models.TextChoices):
    """Colours that pass WCAG AA as text on the light and the dark background.

    The hex values live in static/css/app.css (one custom property per colour and theme).
    """

    RED = "red", "Red"
    BLUE = "blue", "Blue"
    GREEN = "green", "Green"
    PURPLE = "purple", "Purple"
    TEAL = "teal", "Teal"
    BROWN = "brown", "Brown"


class Subject(models.Model):
    comparison = models.ForeignKey(Comparison, on_delete=models.CASCADE, related_name="subjects")
    name = models.CharField(max_length=100)
    colour = models.CharField(max_length=10, choices=SubjectColour.choices)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["comparison", "name"], name="unique_subject_name")
        ]

    def __str__(self):
        return self.name


class Dimension(models.Model):
    comparison = models.ForeignKey(Comparison, on_delete=models.CASCADE, related_name="dimensions")
    name = models.CharField(max_length=100)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["comparison", "name"], name="unique_dimension_name")
        ]

    def __str__(self):
        return self.name


class Contrast(models.Model):
    """One cell of the matrix: what the text says about one subject on one dimension."""

    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="contrasts")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="contrasts")
    statement = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dimension", "subject"], name="one_cell_per_pair")
        ]

    def __str__(self):
        return f"{self.dimension} / {self.subject}: {self.statement[:40]}"


class Section(models.Model):
    comparison = models.ForeignKey(Comparison, on_delete=models.CASCADE, related_name="sections")
    heading = models.CharField(max_length=200)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.heading


class Passage(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="passages")
    text = models.TextField()
    order = models.PositiveIntegerField(default=0)
    dimensions = models.ManyToManyField(Dimension, blank=True, related_name="passages")

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.text[:60]

    def save(self, *args, **kwargs):
        stored = getattr(self, "_stored_text", None)
        # Read by post_save receivers (annotations re-anchors its notes when it is True).
        # Unknown (never loaded, or loaded without its text) counts as changed.
        self.text_changed = not self._state.adding and (stored is None or stored != self.text)
        super().save(*args, **kwargs)
        self._stored_text = self.text

    @classmethod
    def from_db(cls, db, field_names, values):
        passage = super().from_db(db, field_names, values)
        # The text as stored, so a save can tell whether it changed (text_changed).
        passage._stored_text = passage.__dict__.get("text")
        return passage

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self._stored_text = self.__dict__.get("text")


class MatrixRow:
    """One dimension of the matrix, with a cell per subject in subject order."""

    def __init__(self, dimension, cells, passage_numbers):
        self.dimension = dimension
        self.cells = cells  # [(subject, contrast or None)]
        self.passage_numbers = passage_numbers


def reading_layout(comparison):
    """Number the passages across sections and lay out the matrix, from prefetched rows.

    Paragraph numbers are what citations use, so they run through the whole text
    rather than restarting in each section.
    """
    subjects = list(comparison.subjects.all())
    sections = list(comparison.sections.all())
    number = 0
    numbers_by_dimension = {}
    for section in sections:
        section.numbered_passages = []
        for passage in section.passages.all():
            number += 1
            passage.number = number
            section.numbered_passages.append(passage)
            for dimension in passage.dimensions.all():
                numbers_by_dimension.setdefault(dimension.pk, []).append(number)
    rows = []
    for dimension in comparison.dimensions.all():
        by_subject = {cell.subject_id: cell for cell in dimension.contrasts.all()}
        rows.append(
            MatrixRow(
                dimension,
                [(subject, by_subject.get(subject.pk)) for subject in subjects],
                numbers_by_dimension.get(dimension.pk, []),
            )
        )
    return {"subjects": subjects, "sections": sections, "matrix": rows, "passage_count": number}
