"""One small world for the trust tests: two classes, everyone who might knock on a door,
and one of each thing a door can lead to.

`build()` makes it; `ROLES` names the people, in the order the authorization matrix lists
them. The student of the class wrote the annotation and the outline; the classmate replied,
flagged the annotation and linked their own to it.
"""

from dataclasses import dataclass

from django.utils import timezone

from annotations.models import Annotation, Flag, Link
from comparisons.models import Contrast
from counterpoint.models import Membership
from essays import builder, feedback
from essays.models import FeedbackComment, Review
from essays.services import (
    builder_material,
    draft_create,
    make_selection,
    outline_create,
    selection_record,
)
from notifications.models import Notification
from tests.annotations.helpers import annotate
from tests.factories import (
    AssignmentFactory,
    ClassroomFactory,
    MembershipFactory,
    UserFactory,
    comparison_with_content,
)

ROLES = (
    "anonymous",
    "student",
    "classmate",
    "outsider_student",
    "teacher",
    "outsider_teacher",
    "staff",
)


@dataclass
class World:
    users: dict
    classroom: object
    other_classroom: object
    membership: object
    comparison: object
    assignment: object
    subject: object
    other_subject: object
    dimension: object
    section: object
    passage: object
    annotation: object
    classmate_annotation: object
    reply: object
    flag: object
    link: object
    outline: object
    comment: object
    draft: object
    draft_comment: object
    notification: object

    def __getattr__(self, name):
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


def build() -> World:
    classroom = ClassroomFactory(name="Year 11 History")
    other_classroom = ClassroomFactory(name="Year 10 Geography")
    users = {
        "student": UserFactory(display_name="Sam Student", email="sam@example.test"),
        "classmate": UserFactory(display_name="Cleo Classmate", email="cleo@example.test"),
        "outsider_student": UserFactory(display_name="Otto Outsider", email="otto@example.test"),
        "teacher": UserFactory(display_name="Ms Teacher", email="teacher@example.test"),
        "outsider_teacher": UserFactory(display_name="Mr Elsewhere", email="else@example.test"),
        "staff": UserFactory(display_name="Site Staff", email="staff@example.test", is_staff=True),
    }
    student, teacher = Membership.Role.STUDENT, Membership.Role.TEACHER
    membership = MembershipFactory(user=users["student"], classroom=classroom, role=student)
    MembershipFactory(user=users["classmate"], classroom=classroom, role=student)
    MembershipFactory(user=users["teacher"], classroom=classroom, role=teacher)
    MembershipFactory(user=users["outsider_student"], classroom=other_classroom, role=student)
    MembershipFactory(user=users["outsider_teacher"], classroom=other_classroom, role=teacher)

    comparison = comparison_with_content(users["teacher"])
    assignment = AssignmentFactory(classroom=classroom, comparison=comparison)
    subject, other_subject = comparison.subjects.order_by("order")
    dimension = comparison.dimensions.order_by("order").first()
    section = comparison.sections.order_by("order").first()
    passage = section.passages.order_by("order").first()

    annotation = annotate(
        assignment, users["student"], subjects=[subject], dimension=dimension, body="Terror"
    )
    classmate_annotation = annotate(
        assignment,
        users["classmate"],
        subjects=[other_subject],
        dimension=dimension,
        body="Thaw",
        quote="1.1",
    )
    reply = Annotation.objects.create(
        assignment=assignment,
        passage=passage,
        author=users["classmate"],
        parent=annotation,
        body="I agree",
        visibility=annotation.visibility,
    )
    flag = Flag.objects.create(
        annotation=annotation, reporter=users["classmate"], reason=Flag.Reason.OFF_TOPIC
    )
    link = Link.objects.create(
        assignment=assignment,
        source=classmate_annotation,
        target=annotation,
        relation=Link.Relation.DIFFERENCE,
        dimension=dimension,
        explanation="Opposites",
        author=users["classmate"],
    )

    material = builder_material(assignment, users["student"])
    keys = [f"annotation:{annotation.pk}", f"annotation:{classmate_annotation.pk}"]
    selection = make_selection(
        material,
        dimension_ids=[d.pk for d in material.dimensions],
        cell_ids=[],
        evidence_keys=keys,
        structure="point_by_point",
        stance="differences",
    )
    outline = outline_create(
        assignment=assignment,
        author=users["student"],
        draft=builder.build(selection),
        selection_data=selection_record(selection, keys),
    )
    comment = FeedbackComment.objects.create(
        outline=outline, author=users["teacher"], body="Say more about the thaw."
    )
    Review.objects.create(outline=outline, released_at=timezone.now())
    feedback.rubric_for(assignment)
    draft = draft_create(outline=outline, author=users["student"])
    draft_comment = FeedbackComment.objects.create(
        outline=draft, author=users["teacher"], body="Link this paragraph to the thesis."
    )
    Review.objects.create(outline=draft, released_at=timezone.now())
    assert Contrast.objects.filter(dimension=dimension, subject=subject).exists()
    # What the student was told of the classmate's reply (made directly above, so by hand).
    notification = Notification.objects.create(
        recipient=users["student"],
        actor=users["classmate"],
        kind=Notification.Kind.REPLY,
        classroom=classroom,
        annotation=reply,
        place="¶1",
        url=f"/assignments/{assignment.pk}/#annotation-{annotation.pk}",
    )
    return World(
        users=users,
        classroom=classroom,
        other_classroom=other_classroom,
        membership=membership,
        comparison=comparison,
        assignment=assignment,
        subject=subject,
        other_subject=other_subject,
        dimension=dimension,
        section=section,
        passage=passage,
        annotation=annotation,
        classmate_annotation=classmate_annotation,
        reply=reply,
        flag=flag,
        link=link,
        outline=outline,
        comment=comment,
        draft=draft,
        draft_comment=draft_comment,
        notification=notification,
    )
