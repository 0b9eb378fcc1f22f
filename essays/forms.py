"""The essays pages' forms: they check the shape of what was posted (lengths, choices,
numbers) and keep what was typed; the rules live in the models and `essays.services`.

Too long is an error beside the field, never a silent cut."""

from django import forms

from counterpoint.lib.safejson import parse_id, parse_number
from essays import builder
from essays.models import FeedbackComment, Outline

PARAGRAPH_LIMIT = 20000


def first_error(form: forms.Form) -> str:
    """The first message of an invalid form, for answers that carry one line."""
    for messages in form.errors.values():
        return messages[0]
    return ""


class VersionField(forms.Field):
    """The version the page was loaded at; a missing or odd one is None, treated as stale."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def clean(self, value):
        return parse_number(value if isinstance(value, str) else "")


class IdField(forms.Field):
    """An id some row could have (`safejson.parse_id`), or None: no number past what the
    database holds reaches a query."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def clean(self, value):
        return parse_id(value if isinstance(value, str) else "")


class FieldSaveForm(forms.Form):
    """The outline editor's autosave of one box: `field` names it ("thesis", "title",
    "section-<id>-claim", "evidence-<id>-commentary", ...); `targets` maps each name the
    outline has to (object, attribute, max length, choices)."""

    field = forms.CharField(required=False)
    value = forms.CharField(required=False, strip=False)
    version = VersionField()

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = targets

    def clean_value(self):
        return self.cleaned_data["value"].replace("\x00", "")

    def clean(self):
        data = super().clean()
        target = self.targets(data.get("field", ""))
        if target is None:
            raise forms.ValidationError("Unknown field.")
        _, _, max_length, choices = target
        value = data.get("value", "")
        if len(value) > max_length:
            self.add_error("value", f"Keep it under {max_length:,} characters.")
        elif choices and value not in choices:
            self.add_error("value", "Choose one of the options.")
        data["target"] = target
        return data


class ParagraphSaveForm(forms.Form):
    """The draft page's autosave of one paragraph."""

    section = IdField()
    text = forms.CharField(
        required=False,
        strip=False,
        max_length=PARAGRAPH_LIMIT,
        error_messages={
            "max_length": f"A paragraph can be at most {PARAGRAPH_LIMIT:,} characters."
        },
    )
    version = VersionField()

    def clean_text(self):
        return self.cleaned_data["text"].replace("\x00", "")


class OutlineActionForm(forms.Form):
    """The outline editor's buttons: which action, on what, made on which version. The
    drag-and-drop order comes as `section` (every section id, in order) and
    `evidence-<section id>` lists."""

    ACTIONS = [
        "apply-judgements",
        "move-evidence",
        "remove-evidence",
        "add-evidence",
        "move-section",
        "reorder",
        "regenerate",
        "restructure",
    ]

    action = forms.ChoiceField(
        choices=[(a, a) for a in ACTIONS], error_messages={"invalid_choice": "Unknown action."}
    )
    version = VersionField()
    evidence = IdField()
    section = IdField()
    to_section = IdField()
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")], required=False)
    key = forms.CharField(max_length=40, required=False)
    structure = forms.ChoiceField(choices=Outline.Structure.choices, required=False)

    def clean(self):
        data = super().clean()
        if data.get("action") == "reorder":
            # A list, not one field: the whole order at once.
            data["order"] = [
                (raw, self.data.getlist(f"evidence-{raw}")) for raw in self.data.getlist("section")
            ]
        return data


class CommentForm(forms.Form):
    """A teacher's comment on the review page. `section_key` is "section-key" or
    "section-key|evidence-key"; `insert` (without JavaScript) adds a bank comment's words to
    the box instead of saving."""

    body = forms.CharField(
        required=False,
        max_length=3000,
        error_messages={"max_length": "Keep a comment under 3,000 characters."},
    )
    section_key = forms.CharField(required=False, max_length=101)
    bank = IdField()
    save_to_bank = forms.BooleanField(required=False)
    criterion_name = forms.CharField(
        required=False,
        max_length=100,
        error_messages={"max_length": "Keep the criterion's name under 100 characters."},
    )
    insert = IdField()

    def clean(self):
        data = super().clean()
        section_key, _, evidence_key = data.get("section_key", "").partition("|")
        data["section"], data["evidence"] = section_key, evidence_key
        return data


class CommentReplyForm(forms.Form):
    """The author's answer to a comment."""

    state = forms.ChoiceField(
        choices=[
            (FeedbackComment.State.ADDRESSED, FeedbackComment.State.ADDRESSED.label),
            (FeedbackComment.State.WONT_FIX, FeedbackComment.State.WONT_FIX.label),
        ],
        error_messages={
            "required": "Choose addressed or won't fix.",
            "invalid_choice": "Choose addressed or won't fix.",
        },
    )
    student_reply = forms.CharField(
        required=False,
        max_length=2000,
        error_messages={"max_length": "Keep your answer under 2,000 characters."},
    )


class ConfirmForm(forms.Form):
    reopen = forms.BooleanField(required=False)


class OverallForm(forms.Form):
    """The teacher's overall comment, and releasing it to the student."""

    overall_comment = forms.CharField(
        required=False,
        max_length=3000,
        error_messages={"max_length": "Keep the overall comment under 3,000 characters."},
    )
    release = forms.ChoiceField(choices=[("", ""), ("0", "0"), ("1", "1")], required=False)


class ScoreForm(forms.Form):
    level = IdField()


class DecideForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("return", "return"), ("accept", "accept")],
        error_messages={
            "required": "Choose return or accept.",
            "invalid_choice": "Choose return or accept.",
        },
    )


class ReleaseForm(forms.Form):
    released = forms.ChoiceField(choices=[("0", "0"), ("1", "1")], required=False)


class ExtensionForm(forms.Form):
    """A new due date for one student; blank puts them back on the class's."""

    due_at = forms.DateTimeField(
        required=False,
        input_formats=["%Y-%m-%dT%H:%M"],
        error_messages={"invalid": "Give the new due date as a date and time."},
    )


class BuilderForm(forms.Form):
    """The builder page's choices (from GET while previewing, POST to create) and the tray's
    filters. Unknown ids and values are dropped here or ignored by `make_selection`, never
    trusted; with no choices yet, every dimension and no evidence."""

    MAX_CHOICES = 200

    structure = forms.CharField(required=False, max_length=40)
    stance = forms.CharField(required=False, max_length=40)
    tray_subject = forms.CharField(required=False, max_length=20)
    tray_dimension = forms.CharField(required=False, max_length=20)
    tray_kind = forms.CharField(required=False, max_length=20)
    tray_all = forms.CharField(required=False, max_length=5)
    create = forms.CharField(required=False)

    def choices(self, material) -> dict:
        if "structure" not in self.data:
            return {
                "dimension_ids": [d.pk for d in material.dimensions],
                "cell_ids": [],
                "evidence_keys": [],
                "structure": builder.STRUCTURES[0],
                "stance": None,  # an optional overall view; the judgements decide
            }
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "dimension_ids": _ids(self.data.getlist("dimensions")),
            "cell_ids": _ids(self.data.getlist("cells")),
            "evidence_keys": self.evidence_keys,
            "structure": data.get("structure", ""),
            "stance": data.get("stance") or None,
        }

    @property
    def evidence_keys(self) -> list[str]:
        """The evidence ticked, as tray keys ("annotation:12"), at most MAX_CHOICES."""
        return [k for k in self.data.getlist("evidence") if ":" in k][: self.MAX_CHOICES]

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {k: data.get(f"tray_{k}", "") for k in ("subject", "dimension", "kind", "all")}

    @property
    def creating(self) -> bool:
        return "create" in self.data


def _ids(values) -> list[int]:
    return [pk for pk in (parse_id(str(v)) for v in values) if pk is not None]


class SubmitForm(forms.Form):
    """`confirm`: submit even though the checks still find something open."""

    confirm = forms.BooleanField(required=False)
