"""The builder's plain data: what a student chose (input) and the outline skeleton (output).

Nothing here is prose the tool wrote for the student: `Section.claim`, `Section.reasoning`,
`EvidenceItem.reasoning` and `Outline.thesis` are the student's boxes and the builder leaves
them "". What the builder does offer is scaffolding kept apart from them: `prompt` (a question),
`frames` (sentence frames with "___" blanks) and `transition` (a word bank entry).
"""

from __future__ import annotations

from dataclasses import dataclass, field

STRUCTURES = ("point_by_point", "subject_by_subject", "block_synthesis")
# An optional overall view the student may state; it never sets an evidence relation.
STANCES = ("differences", "similarities", "degree")

# How the subjects compare on one dimension, in the student's judgement. "changed" and
# "continued" are for successive subjects (Khrushchev followed Stalin).
KINDS = ("kind", "degree", "alike", "changed", "continued")
SUCCESSIVE_KINDS = ("changed", "continued")
# Judgements that concede likeness: their dimensions feed the counterargument when the
# outline argues difference, and the body when it argues likeness.
ALIKE_KINDS = ("alike", "continued")

# What a piece of evidence shows, as the student (or a comparison link's author) said.
RELATIONS = ("difference", "similarity", "degree")
# Where a piece of evidence came from: the student's own note, a classmate's, the matrix.
SOURCES = ("own", "classmate", "table")

# The teacher's per-assignment choices.
SCAFFOLDING = ("on", "light", "off")
EXAMPLES = ("off", "after_first_attempt", "always")

INTRODUCTION = "introduction"
SYNTHESIS = "synthesis"
COUNTERARGUMENT = "counterargument"
COMPLEXITY = "complexity"
CONCLUSION = "conclusion"
FALLBACK_BODY = "body:evidence"

# Sections that `restructure` keeps as the student left them.
FRAME_KEYS = (INTRODUCTION, COUNTERARGUMENT, COMPLEXITY, CONCLUSION)

# A check's level: a problem needs confirming before submitting; a suggestion is advice.
PROBLEM = "problem"
SUGGESTION = "suggestion"


# Input


@dataclass(frozen=True)
class Subject:
    id: int
    name: str


@dataclass(frozen=True)
class Dimension:
    id: int
    name: str


@dataclass(frozen=True)
class Cell:
    """One cell of the matrix: what the text says about a subject on a dimension."""

    dimension_id: int
    subject_id: int
    statement: str


@dataclass(frozen=True)
class Evidence:
    """An annotation or matrix cell the student chose, with a short citation made by the caller."""

    key: str  # stable id, e.g. "annotation:12" or "contrast:5"; unique in a selection
    subject_ids: tuple[int, ...]
    dimension_id: int | None
    quote: str  # the words from the text ("" for a matrix cell)
    note: str  # the annotation's body when it was picked, or the cell statement
    citation: str  # e.g. "§3 ¶12"
    kind: str = "evidence"  # evidence | question | comment
    relation: str | None = None  # difference | similarity | degree, from a comparison link
    pair: str | None = None  # the same value on the two ends of a comparison link
    form: str = "quote"  # quote | paraphrase
    source: str = "own"  # own | classmate | table
    # The dimensions the text is about here: the annotation's dimension and its passage's
    # tags. Empty when nobody tagged it, and then nothing is said about its fit.
    tags: tuple[int, ...] = ()


@dataclass(frozen=True)
class Judgement:
    """The student's judgement on one chosen dimension: how the subjects compare there, in a
    sentence of their own, and whether it matters most for the question (and why)."""

    dimension_id: int
    kind: str | None = None  # one of KINDS, or None until the student chooses
    sentence: str = ""
    most_significant: bool = False
    why: str = ""  # why it matters most; only read on the most significant one


@dataclass(frozen=True)
class Selection:
    question: str  # the assignment's essay question, never the article's title question
    subjects: tuple[Subject, ...]  # in the order the student wants them
    dimensions: tuple[Dimension, ...]  # the chosen matrix rows, in order
    cells: tuple[Cell, ...]  # cells of other dimensions or subjects are ignored
    evidence: tuple[Evidence, ...]
    structure: str = "point_by_point"
    stance: str | None = None  # an optional overall view; decides nothing about evidence
    judgements: tuple[Judgement, ...] = ()
    successive: bool = False  # the subjects follow one another in time
    article: tuple[str, ...] = ()  # the text's passages, for the copied-words check
    scaffolding: str = "on"
    min_evidence: int = 1  # per subject per body section (the teacher's setting)


# Output


@dataclass
class EvidenceItem:
    key: str
    subject_id: int | None
    quote: str
    note: str
    citation: str
    relation: str | None  # None until the student (or a comparison link) says
    form: str  # quote | paraphrase
    source: str = "own"
    reasoning: str = ""  # the student's "This shows … because …"
    prompt: str = ""  # the builder's question, shown beside the reasoning box


@dataclass
class Section:
    key: str  # introduction, body:dimension:<id>, body:subject:<id>, synthesis, ...
    role: str  # introduction | body | synthesis | counterargument | complexity | conclusion
    heading: str
    claim: str  # the student's topic sentence ("" from the builder)
    reasoning: str  # the student's reasoning ("" from the builder)
    transition: str  # a suggested word from TRANSITIONS ("" when nothing fits yet)
    dimension_id: int | None
    subject_id: int | None
    evidence: list[EvidenceItem] = field(default_factory=list)
    prompt: str = ""  # a question for the student, shown as help text beside the boxes
    frames: list[str] = field(default_factory=list)  # sentence frames, each with a "___"


@dataclass
class Check:
    code: str
    ok: bool
    message: str
    # "thesis", "judgement:<dimension id>", a Section.key, or an evidence key; a field inside
    # a section or card after "#" ("body:dimension:3#reasoning", "annotation:7#reasoning").
    target: str
    level: str = PROBLEM
    # Character ranges of the target's text that the check is about (copied words).
    spans: list[tuple[int, int]] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        """The section or card the target sits in, for a link on the page."""
        return self.target.partition("#")[0]

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "ok": self.ok,
            "level": self.level,
            "message": self.message,
            "target": self.target,
            "spans": [list(span) for span in self.spans],
        }


@dataclass
class Outline:
    title: str
    thesis: str  # the student's ("" from the builder)
    structure: str
    stance: str | None
    sections: list[Section]
    checks: list[Check] = field(default_factory=list)
    question: str = ""  # the essay question shown above the thesis box
    judgements: list[Judgement] = field(default_factory=list)
    thesis_frames: list[str] = field(default_factory=list)
    thesis_prompts: list[str] = field(default_factory=list)  # because / but / so

    @property
    def gaps(self) -> list[Check]:
        return [check for check in self.checks if not check.ok]

    @property
    def problems(self) -> list[Check]:
        return [check for check in self.checks if not check.ok and check.level == PROBLEM]
