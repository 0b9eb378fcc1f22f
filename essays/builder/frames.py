"""What the builder offers beside the student's boxes: sentence frames, prompts, transition
words and, when the teacher allows, an example thesis made of the student's own judgements.

A frame is a sentence with "___" blanks for the student to fill ("On ___, A ___, whereas B
___."); it is never stored as the student's text. Frames name the subjects and the dimension,
which the student chose, and nothing from the matrix cells or the article, so two students
with the same choices get the same frames and must still write different sentences.

The teacher's scaffolding setting decides how much is offered: "on" gives every frame,
"light" a single starter per box, "off" none (prompts, which are questions, stay).
"""

from __future__ import annotations

import re

from essays.builder.text import join, prose
from essays.builder.types import Dimension, Judgement

BLANK = "___"

# Transition words by what a piece of evidence (or a dimension's judgement) shows, so the word
# that joins two points fits the relation the student chose, not the position on the page.
TRANSITIONS: dict[str, list[str]] = {
    "difference": ["By contrast,", "On the other hand,", "In contrast,", "However,", "Unlike"],
    "similarity": ["Similarly,", "Likewise,", "In the same way,", "Just as", "Equally,"],
    "degree": ["To a lesser extent,", "To a greater extent,", "Only partly,", "Going further,"],
    "changed": ["By the time of", "In a break with", "No longer", "Instead,"],
    "continued": ["Still,", "As before,", "Even so,", "In continuity with"],
    "addition": ["First,", "Furthermore,", "In addition,", "Moreover,"],
    "concession": ["Admittedly,", "Granted,", "It is true that", "To be fair,"],
    "conclusion": ["In conclusion,", "Overall,", "Taken together,", "Ultimately,"],
}

# The draft page's sentence starters: reasoning words first (because / but / so and "This
# shows … because …"), then the transition words by what they join.
STARTERS: dict[str, list[str]] = {
    "reasoning": ["because", "but", "so", "This shows", "This matters because"],
    **TRANSITIONS,
}

# The relation a judgement implies for the words that join its points.
KIND_RELATION = {
    "kind": "difference",
    "degree": "degree",
    "alike": "similarity",
    "changed": "changed",
    "continued": "continued",
}

REASONING_FRAME = f"This shows {BLANK} because {BLANK}."
BECAUSE_BUT_SO = (
    f"… because {BLANK}",
    f"… but {BLANK}",
    f"… so {BLANK}",
)

KIND_LABELS = {
    "kind": "They differ in kind",
    "degree": "They differ in degree",
    "alike": "They are mostly alike",
    "changed": "It changed",
    "continued": "It continued",
}


def transition_for(relation: str | None) -> str:
    """A joining word that fits what the evidence shows; "" until the student says."""
    if relation is None:
        return ""
    bank = TRANSITIONS.get(KIND_RELATION.get(relation, relation))
    return bank[0] if bank else ""


def _names(subjects: list[str]) -> tuple[str, str]:
    first = subjects[0] if subjects else "A"
    rest = join(subjects[1:]) or "B"
    return first, rest


def judgement_frames(kind: str | None, subjects: list[str], dimension: str) -> list[str]:
    """Frames for the one-sentence judgement on a dimension, for the kind the student chose
    (every kind's frame while they have not chosen)."""
    a, b = _names(subjects)
    area = prose(dimension)
    frames = {
        "kind": f"On {area}, {a} {BLANK}, whereas {b} {BLANK}.",
        "degree": f"On {area}, both {a} and {b} {BLANK}, but {a} went further by {BLANK}.",
        "alike": f"On {area}, {a} and {b} both {BLANK}, although {BLANK}.",
        "changed": f"On {area}, {b} broke with {a}: {a} {BLANK}, but {b} {BLANK}.",
        "continued": f"On {area}, {b} kept what {a} began: both {BLANK}, because {BLANK}.",
    }
    if kind in frames:
        return [frames[kind]]
    return [frames["kind"], frames["degree"], frames["alike"]]


def significance_frame(question: str) -> str:
    asked = f"“{question}”" if question else "the question"
    return f"{BLANK} matters most for {asked} because {BLANK}."


def asks_extent(question: str) -> bool:
    return bool(re.search(r"\bto what (extent|degree)\b|\bhow far\b|\bhow much\b", question, re.I))


def thesis_frames(
    subjects: list[str], question: str, *, successive: bool, scaffolding: str
) -> list[str]:
    """Frames for the thesis, beside its box under the essay question."""
    if scaffolding == "off":
        return []
    a, b = _names(subjects)
    asked = f"“{question}”" if question else "the question"
    frames = [
        f"Although {a} and {b} both {BLANK}, {a} {BLANK} whereas {b} {BLANK}, which shows "
        f"{BLANK} about {asked}.",
    ]
    if asks_extent(question):
        frames.insert(
            0,
            f"To a large / limited extent, {BLANK}: {a} {BLANK}, whereas {b} {BLANK}, "
            f"because {BLANK}.",
        )
    if successive:
        frames.append(
            f"{b} changed {BLANK} from {a}, but kept {BLANK}, because {BLANK}.",
        )
    frames.append(f"{a} and {b} differed most in {BLANK}: {a} {BLANK}, so {BLANK}.")
    return frames[:1] if scaffolding == "light" else frames


def thesis_prompts() -> list[str]:
    return [
        "Say where they differ (or are alike) and say it plainly: that is your position.",
        "Add because, but or so to give a reason that only fits these two.",
    ]


def section_frames(
    role: str,
    subjects: list[str],
    dimension: Dimension | None,
    kind: str | None,
    *,
    scaffolding: str,
) -> list[str]:
    """Frames for a section's topic sentence and reasoning."""
    if scaffolding == "off":
        return []
    a, b = _names(subjects)
    if role == "body" and dimension is not None:
        frames = judgement_frames(kind, subjects, dimension.name)[:1] + [REASONING_FRAME]
    elif role == "body":
        frames = [f"{BLANK} shows that this subject {BLANK}, unlike {BLANK}.", REASONING_FRAME]
    elif role == "synthesis":
        frames = [f"Set side by side, {a} and {b} {BLANK}, because {BLANK}."]
    elif role == "counterargument":
        frames = [
            f"Some might argue that {a} and {b} {BLANK}.",
            f"However, this does not change my answer, because {BLANK}.",
        ]
    elif role == "complexity":
        frames = [
            f"{a} and {b} differed because {BLANK}.",
            f"Even where they differ, both {BLANK}.",
        ]
    elif role == "conclusion":
        frames = [f"So, {BLANK}, which matters beyond {a} and {b} because {BLANK}."]
    else:  # introduction
        frames = [f"{a} and {b} {BLANK} (who, when, where); {BLANK}."]
    return frames[:1] if scaffolding == "light" else frames


def complexity_prompts(
    kinds: list[str | None], *, successive: bool, similarity_inside: bool
) -> list[str]:
    """What the AP rubric rewards as complexity, as questions that fit the student's
    judgements: causation always, and the others where the judgements open them."""
    prompts = ["Why did they differ? Name a cause the text gives."]
    if similarity_inside or "alike" in kinds:
        prompts.append("Where they differ, is there still something they share? Say what.")
    if "degree" in kinds:
        prompts.append(
            "Where they differ in degree, how big is the gap, and why does its size matter?"
        )
    if successive:
        prompts.append("What changed from the first to the second, and what stayed the same?")
    return prompts


def example_thesis(judgements: list[Judgement], dimensions: list[Dimension]) -> str:
    """An example thesis stitched from the student's own judgement sentences and their "why",
    with only joining words added: never a matrix cell or the article. "" when the student has
    not written enough judgements to make one."""
    order = {d.id: i for i, d in enumerate(dimensions)}
    written = sorted(
        (j for j in judgements if j.dimension_id in order and j.sentence.strip()),
        key=lambda j: order[j.dimension_id],
    )
    if not written:
        return ""
    lead = next((j for j in written if j.most_significant), None)
    alike = next((j for j in written if j.kind in ("alike", "continued") and j is not lead), None)
    if lead is None:
        lead = next((j for j in written if j is not alike), written[0])
    main = _clause(lead.sentence)
    text = f"Although {_lower(_clause(alike.sentence))}, {_lower(main)}" if alike else main
    if lead.why.strip():
        text += f", which matters because {_lower(_clause(lead.why))}"
    return text[:1].upper() + text[1:] + "."


def _clause(sentence: str) -> str:
    return " ".join(sentence.split()).rstrip(" .!?;:")


def _lower(text: str) -> str:
    """Lower the first letter unless the first word is a name (a capital inside a sentence)."""
    first = text.split(" ", 1)[0]
    if first[:1].isupper() and first not in ("On", "In", "Both", "The", "They", "It", "This"):
        return text
    return text[:1].lower() + text[1:]
