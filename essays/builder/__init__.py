"""Turning what a student chose from the matrix and the text into a compare-and-contrast outline.

A student has read the comparison, annotated it and linked pieces of evidence as differences or
similarities. They then choose subjects (in the order they want them), dimensions (rows of the
matrix), the matrix cells and the evidence to use, a structure and a stance. `build` turns that
`Selection` into an `Outline`: a thesis, an introduction, body sections with a topic sentence,
evidence and a reasoning prompt each, a counterargument and a conclusion, plus `checks` that the
page shows beside the outline. `check` re-runs the checks on an outline the student has edited,
`restructure` switches structure keeping their edits, and `regenerate_section` rebuilds one
section. Everything is plain data and deterministic: the same selection gives the same outline,
and where there is a choice of wording it is made by a stable hash of the subject and dimension
names, never at random.

Where evidence goes
-------------------
Every evidence key in the selection lands in exactly one section.

- The counterargument holds the evidence whose relation concedes something to the stance: the
  similarities when arguing differences (or differences of degree), the differences when arguing
  similarities. With none, it is a prompt to find one, and `one_sided_stance` fails.
- Point-by-point: one section per chosen dimension. Evidence about a subject that was not
  chosen still goes to its dimension, after the chosen subjects' evidence. Evidence with no
  dimension (or a dimension that was not chosen) goes to the dimension whose name and cells
  share the most words with its quote and note, and failing that to the last body section.
  Within a section, evidence follows the subject order (evidence about several subjects counts
  as the earliest of them in the student's order), then the order it was given.
- Subject-by-subject: one block per subject, evidence in dimension order (no dimension last).
  Evidence about no chosen subject goes to a subject its quote or note names, failing that to
  the last block.
- Block + synthesis: the same blocks, then a synthesis section holding the linked pairs
  (evidence sharing a `pair` value), pair by pair in dimension order. Evidence that fits no
  block goes to the synthesis.
- A structure with no body section at all (point-by-point with no dimension chosen,
  subject-by-subject with no subject) gets one "body:evidence" section so nothing is lost.

Checks
------
`check` returns, in this order: the five thesis checks (always, ok or not); one
`dimension_one_sided` per chosen dimension (in point-by-point it reads the dimension's section
and targets it, and leaves an empty section to `section_without_evidence`; otherwise it reads
each evidence's own dimension across the body and targets "thesis"); one
`section_without_evidence` per body or synthesis section; one `one_sided_stance` (targeting the
counterargument); one failing `question_as_evidence` per question, or a single passing one; one
`quote_heavy`. Checks about the outline as a whole target "thesis", the top of the outline.

The selection is the source of truth for what evidence exists: `restructure` and
`regenerate_section` drop items whose key is no longer in it, so the caller should build the
selection from the outline's own evidence snapshots as well as what the student has chosen.

Wording
-------
Matrix cells are written as noun phrases ("Personal dictatorship backed by terror"), verb
phrases ("Won the war and imposed communism") or clauses ("Show trials kept society in fear").
The thesis and topic sentences guess which from the first words and frame the cell to fit:
"Stalin's leadership style was marked by …", "Khrushchev won …", "in Stalin's case, show trials
kept …". Cells lose their final full stop and their capital letter unless the first words look
like a name ("Great Terror", "KGB"). The tense follows the question ("How was …" is past, "How
is …" present).
"""

from essays.builder.checks import check
from essays.builder.frames import TRANSITIONS
from essays.builder.placement import build, regenerate_section, restructure
from essays.builder.types import (
    STANCES,
    STRUCTURES,
    Cell,
    Check,
    Dimension,
    Evidence,
    EvidenceItem,
    Outline,
    Section,
    Selection,
    Subject,
)

__all__ = [
    "STANCES",
    "STRUCTURES",
    "TRANSITIONS",
    "Cell",
    "Check",
    "Dimension",
    "Evidence",
    "EvidenceItem",
    "Outline",
    "Section",
    "Selection",
    "Subject",
    "build",
    "check",
    "regenerate_section",
    "restructure",
]
