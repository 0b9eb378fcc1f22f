"""Every change to what a comparison's text shows moves its `updated_at` on: the version under
which readers keep the text (comparisons.reading). Receivers rather than calls in each view,
so that the editor, the admin and the shell cannot forget one; bulk writes send no signal, so
those call text_changed themselves (comparisons.views.item_move)."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from comparisons.models import Comparison, Contrast, Dimension, Passage, Section, Subject


def text_changed(comparisons) -> None:
    """Move the version of `comparisons` (a queryset) on."""
    comparisons.update(updated_at=timezone.now())


def _comparisons_of(row):
    if isinstance(row, Subject | Dimension | Section):
        return Comparison.objects.filter(pk=row.comparison_id)
    if isinstance(row, Contrast):
        return Comparison.objects.filter(dimensions=row.dimension_id)
    return Comparison.objects.filter(sections=row.section_id)  # a Passage


def _row_changed(sender, instance, raw=False, **kwargs):
    if not raw:  # loaddata: the fixture brings its own updated_at
        text_changed(_comparisons_of(instance))


def _passage_dimensions_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if reverse:  # from a dimension's side: instance is the Dimension
        text_changed(Comparison.objects.filter(pk=instance.comparison_id))
    else:
        text_changed(_comparisons_of(instance))


def connect() -> None:
    for model in (Subject, Dimension, Contrast, Section, Passage):
        post_save.connect(_row_changed, sender=model, dispatch_uid=f"text-changed-{model}")
        post_delete.connect(_row_changed, sender=model, dispatch_uid=f"text-deleted-{model}")
    m2m_changed.connect(
        _passage_dimensions_changed,
        sender=Passage.dimensions.through,
        dispatch_uid="text-passage-dimensions",
    )
