from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils import timezone

from counterpoint.lib import join_codes
from counterpoint.lib.sentences import sentences
from counterpoint.models import Classroom, User
from counterpoint.services import JOIN_THROTTLED


class SignupForm(UserCreationForm):
    class Meta:
        model = User
        fields = ["display_name", "email"]
        labels = {"display_name": "Your name", "email": "E-mail address"}
        help_texts = {
            "display_name": "Shown to your class. Classmates never see your e-mail address.",
            "email": "You sign in with this. We only use it to reset your password.",
        }


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name"]
        labels = {"display_name": "Your name"}


class ClassroomForm(forms.ModelForm):
    class Meta:
        model = Classroom
        fields = ["name"]
        labels = {"name": "Class name"}
        help_texts = {"name": "For example: Year 11 History, set 2"}


class JoinForm(forms.Form):
    code = forms.CharField(
        label="Join code",
        max_length=20,
        help_text="Your teacher gives you this code. It looks like ABCD-EFGH.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def __init__(self, *args, user, throttled=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.throttled = user, throttled

    def clean_code(self):
        if self.throttled:  # too many tries: no answer about this code, and it stays typed
            raise forms.ValidationError(JOIN_THROTTLED)
        code = join_codes.normalise(self.cleaned_data["code"])
        classroom = Classroom.objects.filter(join_code=code).first()
        if classroom is None:
            raise forms.ValidationError(
                "No class has that code. Check it with your teacher: "
                "codes are eight letters and digits, like ABCD-EFGH."
            )
        if classroom.is_archived:
            raise forms.ValidationError(
                "That class has been archived and no longer takes students."
            )
        if classroom.join_code_expires_at <= timezone.now():
            raise forms.ValidationError(
                "That code has expired. Ask your teacher for the class's new code."
            )
        if classroom.memberships.filter(user=self.user).exists():
            raise forms.ValidationError(sentences(f"You are already in {classroom.name}"))
        self.classroom = classroom
        return code


class CoTeacherInviteForm(forms.Form):
    """Shape only: whether the address has an account is never checked here or shown."""

    email = forms.EmailField(
        label="Co-teacher's e-mail address",
        max_length=254,
        help_text="They see your invitation on their dashboard and accept or decline it. "
        "Once they accept, they can moderate, review and change the class as you can.",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class LeavingAnnotationsForm(forms.ModelForm):
    class Meta:
        model = Classroom
        fields = ["leaving_annotations"]
        labels = {"leaving_annotations": "When a student leaves, their annotations and replies"}
        help_texts = {
            "leaving_annotations": "Applies when you remove a student and when a student "
            "deletes their account. Private notes are always removed; a note that others "
            "replied to stays as “deleted”, so the replies keep their thread."
        }


class AccountDeleteForm(forms.Form):
    """Deleting is for good, so the person types their e-mail address and their password:
    a borrowed, still-signed-in laptop is not enough to delete someone's account."""

    email = forms.CharField(
        label="Type your e-mail address to confirm",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if email.casefold() != self.user.email.casefold():
            raise forms.ValidationError(
                "That is not the address you sign in with. Type it exactly to confirm."
            )
        return email

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password. Nothing was deleted.")
        return password


class GroupSplitForm(forms.Form):
    size = forms.IntegerField(
        label="Students per group",
        min_value=2,
        max_value=50,
        initial=15,
        help_text="Groups are balanced: their sizes differ by at most one student.",
    )
    order = forms.ChoiceField(
        label="Who goes together",
        choices=[
            ("shuffle", "Mix students at random"),
            ("name", "In name order (the same split every time)"),
        ],
        initial="shuffle",
        widget=forms.RadioSelect,
    )
    replace = forms.BooleanField(label="Replace the current groups", required=False, initial=False)

    def __init__(self, *args, has_groups: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_groups = has_groups
        if not has_groups:
            del self.fields["replace"]

    def clean_replace(self):
        replace = self.cleaned_data["replace"]
        if self.has_groups and not replace:
            raise forms.ValidationError(
                "Splitting again replaces the groups you have. Tick the box to go ahead."
            )
        return replace


class GroupNameForm(forms.Form):
    name = forms.CharField(label="Group name", max_length=60)


class GroupMoveForm(forms.Form):
    """Move the ticked students (memberships of the class) into a group, or out of groups."""

    students = forms.TypedMultipleChoiceField(
        coerce=int, error_messages={"required": "Tick the students to move first."}
    )
    to = forms.ChoiceField(label="Move the ticked students to")

    def __init__(self, *args, students=(), groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["students"].choices = [(m.pk, m.user.display_name) for m in students]
        self.fields["to"].choices = [(str(g.pk), g.name) for g in groups] + [("none", "No group")]


class WholeClassSettingForm(forms.Form):
    allowed = forms.BooleanField(
        label="Students may switch to the whole class",
        required=False,
        help_text="Each student chooses for themselves; they start in their group.",
    )


class WholeClassChoiceForm(forms.Form):
    whole_class = forms.TypedChoiceField(
        choices=[("0", "My group"), ("1", "The whole class")], coerce=lambda v: v == "1"
    )
