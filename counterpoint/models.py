from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from counterpoint.lib import compiled, join_codes

FORMER_STUDENT_EMAIL = "former-student@counterpoint.invalid"


class AccountManager(UserManager):
    """Accounts sign in with their e-mail address; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def former_student(self):
        """The one account that anonymised annotations are credited to: "Former student".
        It cannot log in and belongs to no class."""
        user, created = self.get_or_create(
            email=FORMER_STUDENT_EMAIL,
            defaults={"display_name": "Former student", "is_active": False},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        return user


class User(AbstractUser):
    username = None
    first_name = None
    last_name = None
    email = models.EmailField("e-mail address", unique=True)
    display_name = models.CharField(max_length=60, help_text="How classmates and teachers see you.")

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    objects = AccountManager()

    class Meta:
        ordering = ["display_name"]

    def __str__(self):
        return self.display_name or self.email

    def get_full_name(self):
        return self.display_name

    def get_short_name(self):
        return self.display_name


class ClassroomQuerySet(models.QuerySet):
    def for_member(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user)


def join_code_expiry():
    return timezone.now() + timedelta(days=settings.JOIN_CODE_LIFETIME_DAYS)


class Classroom(models.Model):
    class LeavingAnnotations(models.TextChoices):
        """What happens to a student's annotations and replies when they leave the class
        (removed by a teacher, or deleting their account)."""

        ANONYMISE = "anonymise", "Keep them, shown as “Former student”"
        REMOVE = "remove", "Remove them"

    name = models.CharField(max_length=100)
    join_code = models.CharField(max_length=16, unique=True, default=join_codes.new_code)
    join_code_expires_at = models.DateTimeField(default=join_code_expiry)
    is_archived = models.BooleanField(default=False)
    leaving_annotations = models.CharField(
        "when a student leaves, their annotations",
        max_length=10,
        choices=LeavingAnnotations.choices,
        default=LeavingAnnotations.ANONYMISE,
    )
    students_may_see_whole_class = models.BooleanField(
        "students may switch to the whole class",
        default=False,
        help_text="In a class split into groups, students see their group's annotations and "
        "yours; with this on, each student may choose to see the whole class's instead.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClassroomQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def join_code_display(self):
        return join_codes.display(self.join_code)

    @property
    def join_code_expired(self):
        return self.join_code_expires_at <= timezone.now()

    @property
    def join_link_path(self):
        """The join form with this class's code filled in; joining still takes a click."""
        return f"{reverse('join')}?{urlencode({'code': self.join_code_display})}"

    def rotate_join_code(self):
        """Replace the join code; the old one stops working at once."""
        self.join_code = join_codes.new_code()
        self.join_code_expires_at = join_code_expiry()
        self.save(update_fields=["join_code", "join_code_expires_at"])

    def archive(self):
        self.is_archived = True
        self.save(update_fields=["is_archived"])

    def unarchive(self):
        self.is_archived = False
        self.save(update_fields=["is_archived"])

    def teachers(self):
        return User.objects.filter(
            memberships__classroom=self, memberships__role=Membership.Role.TEACHER
        )


class MembershipQuerySet(models.QuerySet):
    def access_of(self, user) -> dict[int, tuple[str, int | None, bool]]:
        """{classroom id: (role, reading scope, whether the class has groups)} for this
        user, in one query, compiled once (counterpoint.lib.compiled): nearly every request
        asks it."""

        def build(*, user):
            return (
                Membership.objects.filter(user_id=user)
                .annotate(
                    has_groups=Exists(
                        StudyGroup.objects.filter(classroom_id=OuterRef("classroom_id"))
                    )
                )
                .values_list(
                    "classroom_id",
                    "role",
                    "group_id",
                    "sees_whole_class",
                    "classroom__students_may_see_whole_class",
                    "has_groups",
                )
            )

        rows = compiled.rows(("access_of",), build, using=self.db, user=int(user.pk))
        return {
            classroom_id: (
                role,
                reading_scope(
                    role=role,
                    group_id=group_id,
                    sees_whole_class=sees,
                    whole_class_allowed=allowed,
                    has_groups=has_groups,
                ),
                has_groups,
            )
            for classroom_id, role, group_id, sees, allowed, has_groups in rows
        }

    def for_dashboard(self, user):
        """My memberships with their classes, each class's student count, and for a teacher
        what waits for them: the counts the apps above register (extensions.class_counts),
        e.g. open flags and submissions waiting for review."""
        from counterpoint import extensions

        return (
            self.filter(user=user)
            .select_related("classroom")
            .annotate(
                student_count=Count(
                    "classroom__memberships",
                    filter=Q(classroom__memberships__role="student"),
                ),
                **{
                    name: count(OuterRef("classroom"))
                    for name, count in extensions.class_counts.items()
                },
            )
            .order_by("classroom__is_archived", "classroom__name")
        )


class Membership(models.Model):
    class Role(models.TextChoices):
        TEACHER = "teacher", "Teacher"
        STUDENT = "student", "Student"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices)
    # A student's small group in this class: at most one, because a person has one
    # membership per class. Always a group of the same class (counterpoint.groups).
    group = models.ForeignKey(
        "StudyGroup", null=True, blank=True, on_delete=models.SET_NULL, related_name="memberships"
    )
    # The student's own choice, kept between visits; it counts only while the class allows it.
    sees_whole_class = models.BooleanField(default=False)
    joined_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "classroom"], name="one_membership_per_class")
        ]
        ordering = ["role", "user__display_name"]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}) in {self.classroom}"


# A student's reading scope in a class (see reading_scope): the whole class, or only
# their group's notes (a group's id), or, with no group in a class that has groups, no
# classmates' at all. Their own and their teachers' notes are in every scope.
WHOLE_CLASS = None
NO_GROUP = 0


def reading_scope(*, role, group_id, sees_whole_class, whole_class_allowed, has_groups):
    """Whose notes a member reads in a class, from their membership and the class's groups:
    WHOLE_CLASS, a group's id, or NO_GROUP. The one place this is decided; the annotations'
    visibility rule takes its answer."""
    if role != Membership.Role.STUDENT or not has_groups:
        return WHOLE_CLASS
    if whole_class_allowed and sees_whole_class:
        return WHOLE_CLASS
    return group_id or NO_GROUP


class StudyGroup(models.Model):
    """A small group of students within a class. In a class with groups, a student reads
    their group's annotations and their teachers' (and the whole class's if the teacher
    lets them choose that). Members are the class's memberships that point here."""

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(max_length=60)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "group"
        ordering = ["classroom", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["classroom", "name"], name="one_group_name_per_class")
        ]

    def __str__(self):
        return f"{self.name} ({self.classroom})"


class AssignmentQuerySet(models.QuerySet):
    def for_student_dashboard(self, user):
        """The assignments of the classes I am a student in, with how far I am in each: what
        the apps above register (extensions.assignment_progress)."""
        from counterpoint import extensions

        student_classes = Membership.objects.filter(user=user, role=Membership.Role.STUDENT).values(
            "classroom_id"
        )
        return (
            self.filter(classroom_id__in=student_classes, classroom__is_archived=False)
            .select_related("classroom", "comparison")
            .annotate(
                **{
                    name: progress(OuterRef("pk"), user)
                    for name, progress in extensions.assignment_progress.items()
                }
            )
            .order_by("due_at", "pk")
        )


class Assignment(models.Model):
    """A comparison given to a class to read, annotate and write about."""

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="assignments")
    comparison = models.ForeignKey(
        "comparisons.Comparison", on_delete=models.PROTECT, related_name="assignments"
    )
    due_at = models.DateTimeField("due", help_text="When the essay outline is due.")
    instructions = models.TextField(blank=True)
    reveal_after_posts = models.PositiveSmallIntegerField(
        "think first: annotations before seeing classmates'",
        default=0,
        help_text="Each student sees classmates' annotations only after posting this many of "
        "their own. 0 turns it off.",
    )
    reveal_at = models.DateTimeField(
        "think first: reveal classmates' annotations at",
        null=True,
        blank=True,
        help_text="Before this time students see only their own annotations and yours.",
    )

    class Steps(models.TextChoices):
        OUTLINE = "outline", "An outline"
        OUTLINE_THEN_DRAFT = "outline_then_draft", "An outline, then an essay draft"
        DRAFT = "draft", "An essay draft only"

    steps = models.CharField(
        "what students hand in",
        max_length=20,
        choices=Steps.choices,
        default=Steps.OUTLINE_THEN_DRAFT,
    )
    target_words_min = models.PositiveIntegerField(
        "essay length: at least (words)", null=True, blank=True
    )
    target_words_max = models.PositiveIntegerField(
        "essay length: at most (words)", null=True, blank=True
    )
    feedback_released = models.BooleanField(
        default=False, help_text="Students see their scores and comments."
    )
    essay_prompt = models.TextField(
        help_text="The essay question students answer, e.g. "
        "\"To what extent was Khrushchev's leadership a break with Stalin's?\""
    )

    class Scaffolding(models.TextChoices):
        ON = "on", "Sentence frames beside every box"
        LIGHT = "light", "One sentence starter per box"
        OFF = "off", "No frames (prompts only)"

    class Examples(models.TextChoices):
        OFF = "off", "Never"
        AFTER_FIRST_ATTEMPT = "after_first_attempt", "After the student's first attempt"
        ALWAYS = "always", "Always"

    scaffolding = models.CharField(
        "essay builder: sentence frames",
        max_length=8,
        choices=Scaffolding.choices,
        default=Scaffolding.ON,
    )
    examples = models.CharField(
        "essay builder: example thesis",
        max_length=20,
        choices=Examples.choices,
        default=Examples.AFTER_FIRST_ATTEMPT,
        help_text="An example built from the student's own judgements, never from the table.",
    )
    min_evidence = models.PositiveSmallIntegerField(
        "essay builder: evidence per subject per section",
        default=1,
        help_text="The checks ask for at least this many pieces for each subject in a section.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "pk"]

    def __str__(self):
        return f"{self.comparison} for {self.classroom}"

    @property
    def is_overdue(self):
        return self.due_at < timezone.now()

    @property
    def student_status(self):
        """For the student dashboard: from what annotations and essays register there
        (`annotated`, `outline_status`; see for_student_dashboard)."""
        status = getattr(self, "outline_status", None)
        if status in ("submitted", "resubmitted"):
            return "Submitted"
        if status in ("returned", "accepted"):
            return status.capitalize()
        if status == "draft":
            return "Outlining"
        return "Annotating" if getattr(self, "annotated", False) else "Not started"

    def is_gated_for(self, user, *, own_count=None) -> bool:
        """Think first: whether this student still sees only their own and the teachers'
        annotations. `own_count` saves a query when the caller knows it."""
        if self.reveal_at and self.reveal_at > timezone.now():
            return True
        if not self.reveal_after_posts:
            return False
        if own_count is None:
            own_count = self.annotations.filter(
                author=user, parent__isnull=True, is_deleted=False
            ).count()
        return own_count < self.reveal_after_posts


class CoTeacherInvitationQuerySet(models.QuerySet):
    def open(self):
        """Still waiting for an answer, and not too old to accept."""
        since = timezone.now() - timedelta(days=settings.COTEACHER_INVITATION_LIFETIME_DAYS)
        return self.filter(state=CoTeacherInvitation.State.PENDING, created_at__gte=since)

    def for_invitee(self, user):
        """The open invitations addressed to this person's sign-in address, for their
        dashboard, with the class and who sent each."""
        if not user.is_authenticated:
            return self.none()
        return (
            self.open()
            .filter(email=user.email.lower())
            .select_related("classroom", "invited_by")
            .order_by("-created_at", "pk")
        )


class CoTeacherInvitation(models.Model):
    """A teacher asks someone to teach a class with them. It names an e-mail address, not an
    account, so sending one tells the sender nothing about who has an account; the person
    with that address sees it on their dashboard and accepts or declines it."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for an answer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    classroom = models.ForeignKey(
        Classroom, on_delete=models.CASCADE, related_name="coteacher_invitations"
    )
    email = models.EmailField("e-mail address", help_text="Stored in lower case.")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = CoTeacherInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["classroom", "email"],
                condition=Q(state="pending"),
                name="one_pending_coteacher_invitation_per_address",
            )
        ]
        indexes = [models.Index(fields=["email", "state"], name="coteacher_invitation_inbox")]

    def __str__(self):
        return f"{self.email} to teach {self.classroom} ({self.get_state_display()})"

    def is_for(self, user) -> bool:
        return user.is_authenticated and self.email.casefold() == user.email.casefold()

    def answer(self, state) -> None:
        self.state = state
        self.answered_at = timezone.now()
        self.save(update_fields=["state", "answered_at"])
