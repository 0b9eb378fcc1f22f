from django import forms

from annotations.models import (
    BODY_MAX_LENGTH,
    MAX_TAGS,
    TAG_MAX_LENGTH,
    Annotation,
    Flag,
    Link,
    ModerationAction,
)


def parse_tags(raw: str) -> list[str]:
    """ "Cult, terror , cult" -> ["cult", "terror"]: lower-case, trimmed, de-duplicated."""
    seen = []
    for part in raw.replace(";", ",").split(","):
        tag = " ".join(part.split()).lower().lstrip("#")
        if tag and tag not in seen:
            seen.append(tag)
    return seen


class TagsField(forms.CharField):
    def clean(self, value):
        tags = parse_tags(super().clean(value) or "")
        if len(tags) > MAX_TAGS:
            raise forms.ValidationError(f"Use at most {MAX_TAGS} tags.")
        for tag in tags:
            if len(tag) > TAG_MAX_LENGTH:
                raise forms.ValidationError(
                    f"Keep each tag under {TAG_MAX_LENGTH} characters (“{tag[:20]}…” is longer)."
                )
        return tags


class SubjectCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes that carry the subject's name, so the page can pre-tick the subject a
    selected passage is about."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["attrs"]["data-subject-name"] = str(label)
        return option


class LoadedChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose rows are already loaded (`rows`, the kept text's): a posted id
    is looked up among them rather than in the database, with the same errors."""

    rows = ()

    def to_python(self, value):
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        row = _row_with_pk(self.rows, value)
        if row is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return row


class LoadedMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField whose rows are already loaded (`rows`): the chosen rows, as
    a list, found among them rather than in the database, with the same errors."""

    rows = ()

    def clean(self, value):
        value = self.prepare_value(value)
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if not value:
            return []
        if not isinstance(value, list | tuple):
            raise forms.ValidationError(self.error_messages["invalid_list"], code="invalid_list")
        by_pk = {str(row.pk): row for row in self.rows}
        for pk in value:
            self.validate_no_null_characters(pk)
            if _as_pk(pk) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        for choice in value:
            if str(choice) not in by_pk:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": choice},
                )
        self.run_validators(value)
        return [by_pk[pk] for pk in dict.fromkeys(str(choice) for choice in value)]


def _as_pk(value) -> int | None:
    """An id as the database lookup would read it (int()), or None."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _row_with_pk(rows, value):
    pk = _as_pk(value)
    return next((row for row in rows if row.pk == pk), None) if pk is not None else None


class AnnotationForm(forms.Form):
    """A new annotation: the selection (filled in by the browser) and what the student says."""

    passage = forms.IntegerField(widget=forms.HiddenInput)
    exact = forms.CharField(widget=forms.HiddenInput, strip=False)
    prefix = forms.CharField(widget=forms.HiddenInput, required=False, strip=False)
    suffix = forms.CharField(widget=forms.HiddenInput, required=False, strip=False)
    start = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    end = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    body = forms.CharField(
        label="Your note",
        max_length=BODY_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What does this passage show? Say it in your own words.",
    )
    kind = forms.ChoiceField(
        label="Kind",
        choices=Annotation.Kind.choices,
        initial=Annotation.Kind.EVIDENCE,
        widget=forms.RadioSelect,
    )
    subjects = LoadedMultipleChoiceField(
        label="About", queryset=None, required=False, widget=SubjectCheckboxes
    )
    dimension = LoadedChoiceField(
        label="Dimension", queryset=None, required=False, empty_label="No particular dimension"
    )
    tags = TagsField(
        label="Tags", required=False, help_text="Optional, separated by commas: cult, terror"
    )
    visibility = forms.ChoiceField(
        label="Who can see it",
        choices=Annotation.Visibility.choices,
        initial=Annotation.Visibility.CLASS,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, comparison, is_teacher=False, **kwargs):
        super().__init__(*args, **kwargs)
        if is_teacher:
            self.fields["is_prompt"] = forms.BooleanField(
                label="Post as a prompt: every student sees it first, even while thinking first",
                required=False,
            )
        subjects = comparison.subjects.all()
        dimensions = comparison.dimensions.all()
        self.fields["subjects"].queryset = subjects
        self.fields["dimension"].queryset = dimensions
        # Choices from the reading page's prefetched rows, and what is posted checked against
        # them, so the form costs no queries; a subject label is the Subject itself, so the
        # template can show its colour.
        self.fields["subjects"].rows = list(subjects)
        self.fields["dimension"].rows = list(dimensions)
        self.fields["subjects"].choices = [(s.pk, s) for s in subjects]
        self.fields["dimension"].choices = [("", "No particular dimension")] + [
            (d.pk, d.name) for d in dimensions
        ]


class AnnotationEditForm(forms.ModelForm):
    tags = TagsField(label="Tags", required=False)

    class Meta:
        model = Annotation
        fields = ["body", "kind", "subjects", "dimension", "visibility"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 3}),
            "subjects": forms.CheckboxSelectMultiple,
        }
        labels = {"body": "Your note", "subjects": "About", "visibility": "Who can see it"}

    def __init__(self, *args, comparison, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subjects"].queryset = comparison.subjects.all()
        self.fields["dimension"].queryset = comparison.dimensions.all()
        self.fields["tags"].initial = ", ".join(t.name for t in self.instance.tags.all())


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Reply", max_length=BODY_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )
    private = forms.BooleanField(required=False)


class LinkForm(forms.ModelForm):
    """Link one annotation to another about a different subject."""

    class Meta:
        model = Link
        fields = ["target", "relation", "dimension", "explanation"]
        widgets = {
            "relation": forms.RadioSelect,
            "explanation": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {
            "target": "Link to",
            "relation": "How do they compare?",
            "explanation": "In one sentence, why?",
        }

    def __init__(self, *args, source, candidates, comparison, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source
        self.fields["target"].queryset = candidates
        self.fields["target"].label_from_instance = _link_choice_label
        self.fields["target"].empty_label = "Choose an annotation about another subject"
        self.fields["dimension"].queryset = comparison.dimensions.all()
        self.fields["dimension"].required = False
        self.fields["relation"].choices = Link.Relation.choices  # no blank radio button

    def clean_target(self):
        target = self.cleaned_data["target"]
        mine = {s.pk for s in self.source.subjects.all()}
        theirs = {s.pk for s in target.subjects.all()}
        if mine and theirs and mine == theirs:
            raise forms.ValidationError(
                "Both annotations are about the same subject. A comparison link joins "
                "evidence about different subjects."
            )
        if (
            Link.objects.filter(source=self.source, target=target).exists()
            or Link.objects.filter(source=target, target=self.source).exists()
        ):
            raise forms.ValidationError("These two annotations are already linked.")
        return target


def _link_choice_label(annotation):
    subjects = ", ".join(s.name for s in annotation.subjects.all()) or "no subject"
    quote = annotation.exact if len(annotation.exact) < 60 else annotation.exact[:57] + "…"
    return f"“{quote}” ({subjects}, {annotation.author.display_name})"


class FilterForm(forms.Form):
    """The panel's filters; every field optional, bad values are ignored, never an error page."""

    kind = forms.ChoiceField(required=False, choices=[("", "All kinds"), *Annotation.Kind.choices])
    subject = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    dimension = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    author = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    # Teachers of a class with groups: one group's notes (the field is removed otherwise).
    group = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    tag = forms.CharField(
        required=False,
        max_length=TAG_MAX_LENGTH,
        widget=forms.TextInput(attrs={"placeholder": "Tag"}),
    )
    mine = forms.BooleanField(required=False, label="Mine only")
    q = forms.CharField(
        required=False,
        max_length=200,
        label="Search",
        widget=forms.TextInput(attrs={"placeholder": "Search notes and quotes", "type": "search"}),
    )

    def __init__(self, *args, subjects, dimensions, authors, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        if groups:
            self.fields["group"].choices = [("", "Every group")] + [(g.pk, g.name) for g in groups]
        else:
            del self.fields["group"]
        self.fields["subject"].choices = [("", "All subjects")] + [(s.pk, s.name) for s in subjects]
        self.fields["dimension"].choices = [("", "All dimensions")] + [
            (d.pk, d.name) for d in dimensions
        ]
        self.fields["author"].choices = [("", "Everyone")] + [
            (u.pk, u.display_name) for u in authors
        ]

    def filters(self) -> dict:
        """The valid filters only: a stale or hand-edited URL still shows the panel."""
        self.is_valid()
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if value not in (None, "", False)
        }


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label="What is wrong with it?", choices=Flag.Reason.choices, widget=forms.RadioSelect
    )
    details = forms.CharField(
        label="Tell your teacher more",
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": "Optional, unless you chose something else"}),
    )


class ModerationForm(forms.Form):
    action = forms.ChoiceField(choices=ModerationAction.Action.choices)
    reason = forms.CharField(required=False, max_length=300)


class ReadingGoalForm(forms.Form):
    """The reading goal's numbers; annotations.participation.goal_set holds the rule."""

    evidence = forms.IntegerField(label="Evidence notes", min_value=0, max_value=50, initial=0)
    questions = forms.IntegerField(label="Questions", min_value=0, max_value=50, initial=0)
    comments = forms.IntegerField(label="Comments", min_value=0, max_value=50, initial=0)
    replies = forms.IntegerField(
        label="Replies to classmates", min_value=0, max_value=50, initial=0
    )
