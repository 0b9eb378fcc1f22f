"""Writes that span several models."""

from django.db import transaction

from counterpoint.models import Classroom, Membership, User
from counterpoint.permissions import forget_roles


@transaction.atomic
def classroom_create(*, name: str, teacher: User) -> Classroom:
    classroom = Classroom.objects.create(name=name)
    Membership.objects.create(user=teacher, classroom=classroom, role=Membership.Role.TEACHER)
    forget_roles(teacher)
    return classroom


@transaction.atomic
def classroom_join(*, classroom: Classroom, student: User) -> Membership:
    membership, _ = Membership.objects.get_or_create(
        user=student, classroom=classroom, defaults={"role": Membership.Role.STUDENT}
    )
    forget_roles(student)
    return membership
