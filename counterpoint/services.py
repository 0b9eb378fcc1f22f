"""Writes that span several models."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from counterpoint import extensions, signals
from counterpoint.lib import ratelimit
from counterpoint.lib.errors import NotAllowed, Throttled
from counterpoint.models import Classroom, CoTeacherInvitation, Membership, User
from counterpoint.roles import forget_roles


@transaction.atomic
def classroom_create(*, name: str, teacher: User) -> Classroom:
    classroom = Classroom.objects.create(name=name)
    Membership.objects.create(user=teacher, classroom=classroom, role=Membership.Role.TEACHER)
    forget_roles(teacher)
    return classroom


JOIN_THROTTLED = (
    "Too many tries to join in a short time. Wait a minute, then try again: "
    "your code is still in the box."
)


def may_try_joining(*, user: User, address: str | None) -> bool:
    """The join form's throttle: guessing codes is slow, a whole class joining at once from
    one school address is not. Both counters take the attempt."""
    person = ratelimit.allow(
        f"join:person:{user.pk}", limit=settings.JOIN_RATE_LIMIT_PER_PERSON, window=60
    )
    place = ratelimit.allow(
        f"join:address:{address or 'unknown'}",
        limit=settings.JOIN_RATE_LIMIT_PER_ADDRESS,
        window=60,
    )
    return person and place


@transaction.atomic
def classroom_join(*, classroom: Classroom, student: User) -> Membership:
    membership, _ = Membership.objects.get_or_create(
        user=student, classroom=classroom, defaults={"role": Membership.Role.STUDENT}
    )
    forget_roles(student)
    return membership


# --- co-teachers: invited, they accept or decline; they may leave while another teaches ----

INVITED = (
    "If that address has an account, they'll see your invitation on their dashboard. "
    "They become a co-teacher of the class only when they accept."
)
INVITES_THROTTLED = (
    "You have sent a lot of invitations in a short time. Wait a while, then try again."
)


def coteacher_invite(*, classroom: Classroom, email: str, invited_by: User) -> None:
    """Invite `email` to teach the class. The outcome is the same whether or not an account
    uses the address, and whatever its owner's place in the class, so that this cannot be
    used to find out who has an account: nothing comes back. Asking again while an
    invitation is open changes nothing."""
    if not ratelimit.allow(
        f"coteacher-invite:{invited_by.pk}", limit=settings.COTEACHER_INVITE_RATE_LIMIT, window=3600
    ):
        raise Throttled(INVITES_THROTTLED)
    email = email.strip().lower()
    if classroom.memberships.filter(user__email__iexact=email).exists():
        return  # already in the class: nothing to ask them
    if classroom.coteacher_invitations.open().filter(email=email).exists():
        return
    # An expired invitation for the address is still "pending" in the table: close it first.
    classroom.coteacher_invitations.filter(
        email=email, state=CoTeacherInvitation.State.PENDING
    ).update(state=CoTeacherInvitation.State.WITHDRAWN, answered_at=timezone.now())
    try:
        with transaction.atomic():
            invitation = CoTeacherInvitation.objects.create(
                classroom=classroom, email=email, invited_by=invited_by
            )
            signals.coteacher_invited.send(sender=CoTeacherInvitation, invitation=invitation)
    except IntegrityError:  # the same invitation, sent twice at once
        pass


@transaction.atomic
def coteacher_accept(*, invitation: CoTeacherInvitation, user: User) -> Membership:
    """The invited person says yes: they teach the class from now on."""
    if not invitation.is_for(user):
        raise NotAllowed("This invitation is for someone else.")
    role = invitation.classroom.memberships.filter(user=user).values_list("role", flat=True)
    if role and role[0] == Membership.Role.STUDENT:
        raise NotAllowed(
            f"You are a student in {invitation.classroom.name}, so you cannot also teach it. "
            "Decline the invitation, or ask a teacher of the class to remove you first."
        )
    membership, _ = Membership.objects.get_or_create(
        user=user, classroom=invitation.classroom, defaults={"role": Membership.Role.TEACHER}
    )
    invitation.answer(CoTeacherInvitation.State.ACCEPTED)
    forget_roles(user)
    return membership


def coteacher_decline(*, invitation: CoTeacherInvitation, user: User) -> None:
    if not invitation.is_for(user):
        raise NotAllowed("This invitation is for someone else.")
    invitation.answer(CoTeacherInvitation.State.DECLINED)


def coteacher_withdraw(*, invitation: CoTeacherInvitation) -> None:
    invitation.answer(CoTeacherInvitation.State.WITHDRAWN)


def classes_taught_alone(user: User) -> list[Classroom]:
    """The classes this person teaches with no other teacher: they cannot leave those."""
    return list(
        Classroom.objects.filter(
            pk__in=Membership.objects.filter(user=user, role=Membership.Role.TEACHER).values(
                "classroom"
            )
        )
        .annotate(
            teacher_count=Count("memberships", filter=Q(memberships__role=Membership.Role.TEACHER))
        )
        .filter(teacher_count__lt=2)
        .order_by("name")
    )


@transaction.atomic
def teacher_leave(*, classroom: Classroom, teacher: User) -> None:
    """A teacher leaves a class that another teacher keeps. What they wrote there stays."""
    # Lock the class's teacher rows, so two co-teachers leaving at once cannot both go.
    teachers = list(
        Membership.objects.select_for_update()
        .filter(classroom=classroom, role=Membership.Role.TEACHER)
        .values_list("user_id", flat=True)
    )
    if teacher.pk not in teachers:
        raise NotAllowed(f"You do not teach {classroom.name}.")
    if len(teachers) < 2:
        raise NotAllowed(
            f"You are the only teacher of {classroom.name}. Invite a co-teacher first; "
            "once they accept, you can leave."
        )
    Membership.objects.filter(classroom=classroom, user=teacher).delete()
    forget_roles(teacher)


# --- leaving: a student removed from a class, or deleting their account --------------------


class AccountInUse(Exception):
    """The account cannot be deleted yet; the message says what to do first."""


@transaction.atomic
def student_leave(*, classroom: Classroom, student: User) -> None:
    """A teacher removes a student from the class: the membership goes, and what they wrote
    is kept anonymised or removed, as the class is set. Their outlines stay with them."""
    # Each app handles what the student wrote there (annotations: kept anonymised or removed).
    extensions.member_leaving.send(Classroom, classroom=classroom, user=student)
    Membership.objects.filter(classroom=classroom, user=student).delete()
    forget_roles(student)


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete an account and what it wrote: annotations as each class is set, outlines,
    flags, links and marks, login records. A teacher may go whenever each class they teach
    keeps another teacher; a class they teach alone must be handed over first."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    # Lock the teacher rows of the classes they teach: two co-teachers deleting their accounts
    # at once must not leave a class with no teacher.
    taught = Membership.objects.filter(user=user, role=Membership.Role.TEACHER)
    list(
        Membership.objects.select_for_update()
        .filter(classroom__in=taught.values("classroom"), role=Membership.Role.TEACHER)
        .values_list("pk", flat=True)
    )
    alone = classes_taught_alone(user)
    if alone:
        names = ", ".join(classroom.name for classroom in alone)
        raise AccountInUse(
            f"You are the only teacher of {names}. Invite a co-teacher from the class page; "
            "once they accept, you can delete your account."
        )
    # Each app handles the rows a cascade would not (annotations kept as each class is set,
    # comparisons a class reads); the rest goes with the account below.
    extensions.account_deleting.send(User, user=user)
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__iexact=user.email).delete()
    # Invitations addressed to them name their address: they go too.
    CoTeacherInvitation.objects.filter(email=user.email.lower()).delete()
    user.delete()
