from django import forms
from django.utils import timezone

from comparisons.converters import DOCX, max_bytes_for
from comparisons.importer import size_problem
from comparisons.models import Comparison, Dimension, Passage, Section, Subject
from counterpoint.models import Assignment


class ComparisonForm(forms.ModelForm):
    class Meta:
        model = Comparison
        fields = ["title", "question", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"summary": "Two or three sentences that tell a reader what the text covers."}


class SubjectForm(forms.ModelForm):
    class Meta:
        model = Subject
        fields = ["name", "colour"]

    def __init__(self, *args, comparison, **kwargs):
        super().__init__(*args, **kwargs)
        self.comparison = comparison

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = self.comparison.subjects.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(f"There is already a subject called {name}.")
        return name


class DimensionForm(forms.ModelForm):
    class Meta:
        model = Dimension
        fields = ["name"]

    def __init__(self, *args, comparison, **kwargs):
        super().__init__(*args, **kwargs)
        self.comparison = comparison

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = self.comparison.dimensions.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(f"There is already a dimension called {name}.")
        return name


class SectionForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ["heading"]

    def __init__(self, *args, comparison, **kwargs):
        super().__init__(*args, **kwargs)
        self.comparison = comparison


class PassageForm(forms.ModelForm):
    class Meta:
        model = Passage
        fields = ["text", "dimensions"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 5}),
            "dimensions": forms.CheckboxSelectMultiple,
        }
        labels = {"text": "Paragraph", "dimensions": "Discusses"}

    def __init__(self, *args, comparison, **kwargs):
        super().__init__(*args, **kwargs)
        self.comparison = comparison
        dimensions = comparison.dimensions.all()
        self.fields["dimensions"].queryset = dimensions
        # Render the checkboxes from the (usually prefetched) dimensions: the editor builds one
        # form per passage, and letting each query its choices made the page grow with the text.
        self.fields["dimensions"].choices = [(d.pk, d.name) for d in dimensions]
        self.fields["dimensions"].required = False


class ContrastForm(forms.Form):
    statement = forms.CharField(
        label="Statement", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ImportForm(forms.Form):
    """The article as text, pasted rich text (its HTML, put there by paste-rich.js) or a file.

    The form checks shape only: which of the three was given, and that a file is not larger
    than the largest format allows. Converting and reading it is `converters.import_document`.
    """

    UPLOAD_TYPES = ".docx,.html,.htm,.txt,.md,.markdown"

    markdown = forms.CharField(
        label="Article",
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        help_text=(
            "Paste the article here. Copied from a web page or a word processor, its "
            "headings, lists and table are kept. Markdown works too."
        ),
    )
    pasted_html = forms.CharField(required=False, widget=forms.HiddenInput)
    file = forms.FileField(
        label="Or upload a file",
        required=False,
        help_text="A Word document (.docx), a saved web page (.html), or a text or Markdown file.",
        widget=forms.ClearableFileInput(attrs={"accept": UPLOAD_TYPES}),
    )

    def __init__(self, *args, max_bytes, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        cleaned["upload"] = None
        if upload:
            # The exact limit depends on the format, which the importer tells from the content;
            # here only what no format allows is refused before the file is read.
            too_big = size_problem(upload.size, max_bytes=max_bytes_for(DOCX, self.max_bytes))
            if too_big:
                raise forms.ValidationError(too_big.message)
            cleaned["upload"] = (upload.name or "", upload.read())
        elif not cleaned.get("pasted_html", "").strip() and not cleaned.get("markdown", "").strip():
            raise forms.ValidationError("Paste an article or choose a file to upload.")
        return cleaned


class AssignmentForm(forms.ModelForm):
    class Meta:
        model = Assignment
        fields = ["comparison", "due_at", "instructions", "essay_prompt"]
        widgets = {
            "due_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "instructions": forms.Textarea(attrs={"rows": 3}),
            "essay_prompt": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"comparison": "Comparison", "essay_prompt": "Essay question"}

    def __init__(self, *args, comparisons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comparison"].queryset = comparisons
        self.fields["comparison"].empty_label = "Choose a published comparison"
        self.fields["due_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]

    def clean_due_at(self):
        due_at = self.cleaned_data["due_at"]
        if self.instance.pk is None and due_at < timezone.now():
            raise forms.ValidationError("The due date is in the past. Choose a later date.")
        return due_at


class AssignmentSettingsForm(forms.ModelForm):
    """A teacher changes an assignment after setting it: dates, words, think-first rules."""

    class Meta:
        model = Assignment
        fields = [
            "due_at",
            "instructions",
            "essay_prompt",
            "steps",
            "target_words_min",
            "target_words_max",
            "reveal_after_posts",
            "reveal_at",
            "scaffolding",
            "examples",
            "min_evidence",
        ]
        widgets = {
            "due_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "reveal_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "instructions": forms.Textarea(attrs={"rows": 3}),
            "essay_prompt": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {
            "essay_prompt": "Essay question",
            "reveal_after_posts": "Annotations each student posts before seeing classmates'",
            "reveal_at": "Show classmates' annotations from",
            "scaffolding": "Essay builder: sentence frames",
            "examples": "Essay builder: example thesis",
            "min_evidence": "Essay builder: evidence per subject in each section",
        }
        help_texts = {
            "scaffolding": "Frames are sentences with blanks shown beside each box the student "
            "writes in; they never fill the box.",
            "examples": "An example thesis made only of the student's own judgement sentences.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]
        self.fields["due_at"].input_formats = formats
        self.fields["reveal_at"].input_formats = formats
        self.fields["reveal_after_posts"].widget.attrs.update({"min": 0, "max": 20})
        self.fields["min_evidence"].widget.attrs.update({"min": 1, "max": 5})
        # The builder settings keep their value when a form from before them leaves them out.
        for name in ("scaffolding", "examples", "min_evidence"):
            self.fields[name].required = False

    def clean_scaffolding(self):
        return self.cleaned_data["scaffolding"] or self.instance.scaffolding

    def clean_examples(self):
        return self.cleaned_data["examples"] or self.instance.examples

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("target_words_min"), cleaned.get("target_words_max")
        if low and high and low > high:
            self.add_error("target_words_max", "The most words must be at least the fewest.")
        return cleaned

    def clean_min_evidence(self):
        value = self.cleaned_data["min_evidence"]
        if value is None:
            return self.instance.min_evidence
        if not 1 <= value <= 5:
            raise forms.ValidationError("Ask for between 1 and 5 pieces per subject.")
        return value

    def clean_reveal_after_posts(self):
        value = self.cleaned_data["reveal_after_posts"]
        if value > 20:
            raise forms.ValidationError("Ask for at most 20 annotations before revealing.")
        return value
