from django import forms

from comparisons.forms import AssignmentForm


class DeepLinkAssignmentForm(AssignmentForm):
    """A new assignment for the course's class, added as an LMS activity."""

    class Meta(AssignmentForm.Meta):
        fields = ["comparison", "due_at", "essay_prompt", "steps", "instructions"]


class DeepLinkExistingForm(forms.Form):
    """Or one of the class's assignments that already exists."""

    assignment = forms.ModelChoiceField(queryset=None, empty_label="Choose an assignment")

    def __init__(self, *args, assignments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = assignments
