"""The essay builder: it scaffolds a compare-and-contrast outline; the student writes it.

A student has read the comparison, annotated it and linked pieces of evidence. They choose
subjects, dimensions (rows of the matrix), evidence and a structure, then judge each dimension
(differ in kind, in degree, mostly alike, or for successive subjects changed/continued) in a
sentence of their own, and pick the one that matters most. `build` turns that `Selection` into
an `Outline` skeleton: sections in an order that follows the judgements, evidence placed with
citations as claim–evidence–reasoning cards, a counterargument from what they judged the other
way, a "going further" section for complexity, and frames and prompts beside every box. It
writes none of the argument: the thesis, topic sentences, reasoning and each card's relation
are the student's and start empty (a link's relation comes with it, chosen by its author).

Modules, each plain data in and out and deterministic:

- `types`: the dataclasses and the fixed vocabularies (kinds, relations, sources, settings).
- `context`: a selection indexed for lookups, and what the judgements decide (which side the
  outline argues, which dimensions concede).
- `placement`: `build`, `restructure` and `regenerate_section`: sections and where evidence goes.
- `frames`: sentence frames, prompts, transition words and the example thesis (made only of the
  student's own judgement sentences).
- `checks`: `check`, each finding a `problem` or a `suggestion` with a target field.
- `text`: word helpers (joining, names and demonyms, copied-run detection).
"""

from essays.builder.checks import check, thesis_checks
from essays.builder.frames import (
    REASONING_FRAME,
    STARTERS,
    TRANSITIONS,
    example_thesis,
    judgement_frames,
    significance_frame,
    transition_for,
)
from essays.builder.placement import build, regenerate_section, restructure
from essays.builder.types import (
    EXAMPLES,
    KINDS,
    PROBLEM,
    RELATIONS,
    SCAFFOLDING,
    SOURCES,
    STANCES,
    STRUCTURES,
    SUCCESSIVE_KINDS,
    Cell,
    Check,
    Dimension,
    Evidence,
    EvidenceItem,
    Judgement,
    Outline,
    Section,
    Selection,
    Subject,
)

__all__ = [
    "EXAMPLES",
    "KINDS",
    "PROBLEM",
    "REASONING_FRAME",
    "RELATIONS",
    "SCAFFOLDING",
    "SOURCES",
    "STANCES",
    "STARTERS",
    "STRUCTURES",
    "SUCCESSIVE_KINDS",
    "TRANSITIONS",
    "Cell",
    "Check",
    "Dimension",
    "Evidence",
    "EvidenceItem",
    "Judgement",
    "Outline",
    "Section",
    "Selection",
    "Subject",
    "build",
    "check",
    "example_thesis",
    "judgement_frames",
    "significance_frame",
    "thesis_checks",
    "transition_for",
    "regenerate_section",
    "restructure",
]
