"""The essays rules, one test each, where they live: the models and `essays.services` /
`essays.feedback`. The pages and the API call these and only translate the refusal; their
own tests check that translation once."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from counterpoint.lib.errors import NotAllowed, VersionConflict
from essays import feedback
from essays.models import (
    DRAFT_NOT_EDITABLE,
    NOT_A_DRAFT,
    NOT_EDITABLE,
    NOTHING_TO_CONFIRM,
    Evidence,
    FeedbackComment,
    InvalidTransition,
    Outline,
    lateness,
)
from essays.services import draft_create, draft_edit, evidence_add, outline_edit
from tests.annotations.helpers import annotate
from tests.essays.helpers import outline_from

pytestmark = pytest.mark.django_db


@pytest.fixture
def outline(assignment, student):
    stalin = assignment.comparison.subjects.order_by("order").first()
    dimension = assignment.comparison.dimensions.order_by("order").first()
    note = annotate(assignment, student, subjects=[stalin], dimension=dimension)
    made = outline_from(assignment, student, [f"annotation:{note.pk}"], [dimension.pk])
    return Outline.objects.for_editor().get(pk=made.pk)


def editor(outline):
    return Outline.objects.for_editor().get(pk=outline.pk)


# --- versions and editing -------------------------------------------------------------


def test_an_edit_on_an_older_version_is_a_conflict_naming_the_current_one(outline):
    outline.claim_version(outline.version)

    with pytest.raises(VersionConflict) as conflict:
        outline.claim_version(outline.version - 1)

    assert conflict.value.current == outline.version == 2


def test_an_edit_without_a_version_is_a_conflict(outline):
    with pytest.raises(VersionConflict):
        outline.claim_version(None)


def test_claiming_a_version_of_a_deleted_outline_is_a_404(outline):
    Outline.objects.filter(pk=outline.pk).delete()

    with pytest.raises(Http404):
        outline.claim_version(1)


def test_work_with_the_teacher_cannot_be_edited(outline):
    feedback.outline_transition(outline=outline, action="submit")
    outline.refresh_from_db()
    draft = Outline(kind=Outline.Kind.DRAFT, status=Outline.Status.SUBMITTED)

    with pytest.raises(NotAllowed, match=NOT_EDITABLE):
        outline.ensure_editable()
    with pytest.raises(NotAllowed, match=DRAFT_NOT_EDITABLE):
        draft.ensure_editable()


def test_an_outline_edit_writes_every_field_on_one_version(outline):
    section = outline.sections.all()[0]
    item = next(e for s in outline.sections.all() for e in s.evidence.all())

    outline_edit(
        outline=outline,
        version=1,
        title="Two leaders",
        sections=[{"id": section.pk, "claim": "They differ."}],
        evidence=[{"id": item.pk, "commentary": "Mine.", "relation": "similarity"}],
    )

    outline.refresh_from_db()
    assert (outline.title, outline.version) == ("Two leaders", 2)
    section.refresh_from_db()
    item.refresh_from_db()
    assert section.claim == "They differ."
    assert (item.commentary, item.relation) == ("Mine.", "similarity")


def test_an_outline_edit_is_all_or_nothing(outline, assignment, classmate):
    other = outline_from(assignment, classmate, [], [])
    foreign = other.sections.first()

    with pytest.raises(NotAllowed, match=f"Section {foreign.pk} is not part of this outline."):
        outline_edit(
            outline=outline,
            version=1,
            title="Changed",
            sections=[{"id": foreign.pk, "claim": "x"}],
        )

    outline.refresh_from_db()
    assert (outline.title, outline.version) != ("Changed", 2)
    assert outline.version == 1


def test_a_draft_edit_writes_paragraphs_and_title_on_one_version(outline, student):
    draft = editor(draft_create(outline=outline, author=student))
    section = draft.sections.all()[0]

    draft_edit(
        draft=draft,
        version=1,
        title="Essay",
        paragraphs=[{"id": section.pk, "text": "Stalin\x00 ruled."}],
    )

    draft.refresh_from_db()
    section.refresh_from_db()
    assert (draft.title, draft.version, section.paragraph) == ("Essay", 2, "Stalin ruled.")


def test_a_draft_edit_refuses_a_paragraph_of_another_draft(outline, student):
    draft = editor(draft_create(outline=outline, author=student))

    with pytest.raises(NotAllowed, match="is not in this draft"):
        draft_edit(draft=draft, version=1, paragraphs=[{"id": 10**9, "text": "x"}])

    draft.refresh_from_db()
    assert draft.version == 1


def test_only_a_draft_outline_can_be_deleted(outline):
    feedback.outline_transition(outline=outline, action="submit")
    outline.refresh_from_db()

    with pytest.raises(NotAllowed, match=NOT_A_DRAFT):
        outline.discard()
    assert Outline.objects.filter(pk=outline.pk).exists()

    Outline.objects.filter(pk=outline.pk).update(status=Outline.Status.DRAFT)
    outline.refresh_from_db()
    outline.discard()
    assert not Outline.objects.filter(pk=outline.pk).exists()


# --- evidence snapshots ----------------------------------------------------------------


def test_evidence_added_in_the_editor_is_the_builders_snapshot(outline):
    """The same row the builder made, whether placed by the builder or added later."""
    fields = ["key", "quote", "note", "citation", "relation", "form", "subject_id", "prompt"]
    placed = Evidence.objects.filter(section__outline=outline).get()
    before = {name: getattr(placed, name) for name in fields}
    section = placed.section
    placed.delete()

    added = evidence_add(outline=editor(outline), section=section, key=before["key"])

    assert {name: getattr(added, name) for name in fields} == before
    assert added.annotation_id is not None


def test_evidence_the_author_cannot_see_is_not_added(outline, assignment, classmate):
    private = annotate(assignment, classmate, visibility="private")

    with pytest.raises(NotAllowed):
        evidence_add(
            outline=outline, section=outline.sections.first(), key=f"annotation:{private.pk}"
        )


# --- feedback --------------------------------------------------------------------------


@pytest.fixture
def comment(outline, teacher):
    feedback.outline_transition(outline=outline, action="submit")
    return feedback.comment_add(outline=editor(outline), author=teacher, body="Cite both.")


def test_a_comment_the_student_never_answered_cannot_be_confirmed(comment):
    with pytest.raises(NotAllowed, match=NOTHING_TO_CONFIRM):
        comment.confirm()

    comment.refresh_from_db()
    assert comment.confirmed is False


def test_an_answered_comment_is_confirmed_and_can_be_reopened(comment):
    comment.answer(FeedbackComment.State.WONT_FIX, "The text says nothing more.")
    comment.confirm()
    comment.refresh_from_db()
    assert (comment.state, comment.confirmed) == ("wont_fix", True)

    comment.reopen()
    comment.refresh_from_db()
    assert (comment.state, comment.confirmed) == ("open", False)


def test_an_answer_is_addressed_or_wont_fix(comment):
    with pytest.raises(NotAllowed, match="Choose addressed or won't fix."):
        comment.answer(FeedbackComment.State.OPEN, "")


def test_a_comment_goes_where_the_outline_has_that_key(outline):
    section = next(s for s in outline.sections.all() if s.evidence.all())
    item = section.evidence.all()[0]
    elsewhere = next(s for s in outline.sections.all() if s.pk != section.pk)

    assert feedback.comment_place(outline, "", "") == ("", "")
    assert feedback.comment_place(outline, "", item.key) == (section.key, item.key)
    with pytest.raises(NotAllowed, match="That section is not part of this outline."):
        feedback.comment_place(outline, "nowhere", "")
    with pytest.raises(NotAllowed, match="That evidence is not part of this outline."):
        feedback.comment_place(outline, "", "annotation:0")
    with pytest.raises(NotAllowed, match="That evidence is in another section.") as refusal:
        feedback.comment_place(outline, elsewhere.key, item.key)
    assert refusal.value.field == "evidence_key"


def test_an_illegal_status_change_is_a_refusal(outline):
    with pytest.raises(InvalidTransition) as refusal:
        feedback.outline_transition(outline=outline, action="accept")

    assert isinstance(refusal.value, NotAllowed)


# --- lateness ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("submitted_days", "due_days", "expected"),
    [
        (-1, -2, "yes"),  # handed in after the due date
        (-2, -1, "no"),
        (-2, 1, "no"),  # late against the class's date, but an extension excuses it
        (None, -1, "overdue"),
        (None, 1, ""),
    ],
)
def test_late_means_first_handed_in_after_the_students_due_date(
    outline, submitted_days, due_days, expected
):
    now = timezone.now()
    if submitted_days is not None:
        feedback.outline_transition(outline=outline, action="submit")
        outline.revisions.update(submitted_at=now + timedelta(days=submitted_days))
    shaped = Outline.objects.with_submission_times().get(pk=outline.pk)

    assert lateness(shaped, now + timedelta(days=due_days), now) == expected


def test_a_student_with_no_work_is_overdue_only_after_the_due_date():
    now = timezone.now()

    assert lateness(None, now - timedelta(minutes=1), now) == "overdue"
    assert lateness(None, now + timedelta(minutes=1), now) == ""


def test_a_score_uses_a_level_of_this_assignments_rubric(outline, assignment, classroom):
    from tests.factories import AssignmentFactory

    criterion = feedback.rubric_for(assignment).criteria.first()
    level = criterion.levels.first()
    other = feedback.rubric_for(AssignmentFactory(classroom=classroom)).criteria.first()
    second = feedback.rubric_for(assignment).criteria.exclude(pk=criterion.pk).first()

    assert feedback.level_for(outline, level.pk) == level
    assert feedback.level_for(outline, level.pk, criterion_id=criterion.pk) == level
    for level_id, criterion_id in (
        (other.levels.first().pk, None),  # another assignment's rubric
        (level.pk, second.pk),  # another criterion's level
        (None, None),
    ):
        with pytest.raises(NotAllowed) as refusal:
            feedback.level_for(outline, level_id, criterion_id=criterion_id)
        assert refusal.value.field == "level"


def test_a_draft_is_written_from_an_outline_not_from_a_draft(outline, student):
    draft = draft_create(outline=outline, author=student)

    with pytest.raises(NotAllowed, match="A draft is written from an outline."):
        draft_create(outline=draft, author=student)


def test_the_author_answers_only_released_feedback(comment, assignment):
    outline = comment.outline

    with pytest.raises(Http404):
        feedback.released_comment(outline, comment.pk)

    assignment.feedback_released = True
    assignment.save(update_fields=["feedback_released"])
    outline.assignment.refresh_from_db()
    assert feedback.released_comment(outline, comment.pk) == comment
