"""The builder's plain data: what a student chose (input) and the outline (output)."""

from __future__ import annotations

from dataclasses import dataclass, field

STRUCTURES = ("point_by_point", "subject_by_subject", "block_synthesis")
STANCES = ("differences", "similarities", "degree")

INTRODUCTION = "introduction"
SYNTHESIS = "synthesis"
COUNTERARGUMENT = "counterargument"
CONCLUSION = "conclusion"
FALLBACK_BODY = "body:evidence"

# Sections that `restructure` keeps as the student left them.
FRAME_KEYS = (INTRODUCTION, COUNTERARGUMENT, CONCLUSION)

# The thesis names at most this many dimensions, then says "and N other areas".
NAMED_DIMENSIONS = 3


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
    note: str  # the student's note, or the cell statement
    citation: str  # e.g. "§3 ¶12"
    kind: str = "evidence"  # evidence | question | comment
    relation: str | None = None  # difference | similarity | degree, from a comparison link
    pair: str | None = None  # the same value on the two ends of a comparison link
    form: str = "quote"  # quote | paraphrase


@dataclass(frozen=True)
class Selection:
    question: str
    subjects: tuple[Subject, ...]  # in the order the student wants them
    dimensions: tuple[Dimension, ...]  # the chosen matrix rows, in order
    cells: tuple[Cell, ...]  # cells of other dimensions or subjects are ignored
    evidence: tuple[Evidence, ...]
    structure: str = "point_by_point"
    stance: str = "differences"


# Output


@dataclass
class EvidenceItem:
    key: str
    subject_id: int | None
    quote: str
    note: str
    citation: str
    relation: str  # difference | similarity
    form: str  # quote | paraphrase
    commentary: str = ""


@dataclass
class Section:
    key: str  # introduction, body:dimension:<id>, body:subject:<id>, synthesis, ...
    role: str  # introduction | body | synthesis | counterargument | conclusion
    heading: str
    claim: str  # the topic sentence
    reasoning: str  # a prompt or question for the student
    transition: str  # a suggested phrase from TRANSITIONS ("" for the introduction)
    dimension_id: int | None
    subject_id: int | None
    evidence: list[EvidenceItem] = field(default_factory=list)


@dataclass
class Check:
    code: str
    ok: bool
    message: str
    target: str  # "thesis", a Section.key or an Evidence key


@dataclass
class Outline:
    title: str
    thesis: str
    structure: str
    stance: str
    sections: list[Section]
    checks: list[Check] = field(default_factory=list)

    @property
    def gaps(self) -> list[Check]:
        return [check for check in self.checks if not check.ok]
