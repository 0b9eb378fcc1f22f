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

from __future__ import annotations

import copy
import re
import zlib
from dataclasses import dataclass, field, replace

STRUCTURES = ("point_by_point", "subject_by_subject", "block_synthesis")
STANCES = ("differences", "similarities", "degree")

TRANSITIONS: dict[str, list[str]] = {
    "contrast": [
        "By contrast,",
        "On the other hand,",
        "In contrast,",
        "However,",
        "Conversely,",
        "Unlike",
    ],
    "similarity": [
        "Similarly,",
        "Likewise,",
        "In the same way,",
        "Just as",
        "In much the same way,",
        "Equally,",
    ],
    "degree": [
        "To a lesser extent,",
        "To a greater extent,",
        "In a milder form,",
        "Only partly,",
        "Going further,",
        "Not as far as",
    ],
    "addition": [
        "First,",
        "Furthermore,",
        "In addition,",
        "Moreover,",
        "Beyond this,",
        "Another point is that",
    ],
    "concession": [
        "Admittedly,",
        "Granted,",
        "It is true that",
        "Of course,",
        "Some would argue that",
        "To be fair,",
    ],
    "conclusion": [
        "In conclusion,",
        "Overall,",
        "Taken together,",
        "In the end,",
        "All in all,",
        "Ultimately,",
    ],
}

# The transition bank that links the subjects under each stance.
RELATIONAL_BANK = {"differences": "contrast", "similarities": "similarity", "degree": "degree"}

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


# Entry points


def build(selection: Selection) -> Outline:
    """The outline for a selection, with its checks."""
    context = _Context(selection)
    items = context.items({})
    thesis = _thesis(context)
    outline = Outline(
        title=_title(context),
        thesis=thesis,
        structure=selection.structure,
        stance=selection.stance,
        sections=_sections(context, items, thesis),
    )
    outline.checks = check(outline, selection)
    return outline


def check(outline: Outline, selection: Selection) -> list[Check]:
    """The checks for an outline as it stands, edits included.

    The outline's structure decides what a dimension's evidence is (its section in
    point-by-point, the evidence's own dimension otherwise); the selection says what was chosen
    and what each evidence key is.
    """
    context = _Context(replace(selection, structure=outline.structure, stance=outline.stance))
    return [
        *_thesis_checks(outline.thesis, context),
        *_dimension_checks(outline, context),
        *_section_checks(outline),
        _stance_check(outline),
        *_question_checks(outline, context),
        _quote_check(outline),
    ]


def restructure(outline: Outline, selection: Selection, structure: str) -> Outline:
    """The outline in another structure, keeping what the student wrote.

    Kept as they are: the title, the thesis, the stance, and the introduction, counterargument
    and conclusion sections (with the evidence the student has in them). Body sections are
    rebuilt for the new structure; one whose key exists in both (a subject block, switching
    between subject-by-subject and block + synthesis) keeps its heading, claim, reasoning and
    transition. Evidence keeps its commentary, relation and form by key. Evidence that was in a
    body section goes to the new body sections; evidence new to the outline is placed as
    `build` would place it. Switching to the structure the outline already has changes nothing.
    """
    if structure not in STRUCTURES:
        raise ValueError(f"Unknown structure {structure!r}; expected one of {STRUCTURES}.")
    if structure == outline.structure:
        result = copy.deepcopy(outline)
        result.checks = check(result, selection)
        return result

    context = _Context(replace(selection, structure=structure, stance=outline.stance))
    items = context.items(_items_by_key(outline))
    placed_before = set(_items_by_key(outline))

    kept: dict[str, Section] = {}
    for section in outline.sections:
        if section.key in FRAME_KEYS and section.key not in kept:
            section = copy.deepcopy(section)
            section.evidence = [item for item in section.evidence if item.key in items]
            kept[section.key] = section
    reserved = {item.key for section in kept.values() for item in section.evidence}

    free = [item for key, item in items.items() if key not in reserved]
    if COUNTERARGUMENT in kept:
        counterargument = kept[COUNTERARGUMENT]
        arriving = [
            item for item in free if item.key not in placed_before and context.concedes(item)
        ]
        counterargument.evidence += context.in_pair_order(arriving)
    else:
        arriving = [item for item in free if context.concedes(item)]
        counterargument = _counterargument(context, arriving)
    arriving_keys = {item.key for item in arriving}
    bodies = _bodies(context, [item for item in free if item.key not in arriving_keys])

    old = {section.key: section for section in outline.sections}
    for body in bodies:
        if body.key in old:
            body.heading = old[body.key].heading
            body.claim = old[body.key].claim
            body.reasoning = old[body.key].reasoning
            body.transition = old[body.key].transition

    result = Outline(
        title=outline.title,
        thesis=outline.thesis,
        structure=structure,
        stance=outline.stance,
        sections=[
            kept.get(INTRODUCTION) or _introduction(context, outline.thesis),
            *bodies,
            counterargument,
            kept.get(CONCLUSION) or _conclusion(context),
        ],
    )
    result.checks = check(result, selection)
    return result


def regenerate_section(outline: Outline, selection: Selection, section_key: str) -> Outline:
    """The outline with one section rebuilt from the selection and everything else untouched.

    The section gets fresh heading, claim, reasoning and transition (the introduction is rebuilt
    around the outline's current thesis). Its evidence is what `build` would put there, less
    anything the student has placed in another section, plus whatever the student had put in
    it; evidence keeps its commentary, relation and form. A section the outline lacks but the
    structure has (a deleted counterargument, say) is put back in its place. Raises KeyError for
    a key the structure does not have.
    """
    context = _Context(replace(selection, structure=outline.structure, stance=outline.stance))
    items = context.items(_items_by_key(outline))
    fresh = _sections(context, items, outline.thesis)
    order = [section.key for section in fresh]
    if section_key not in order:
        raise KeyError(section_key)
    section = fresh[order.index(section_key)]

    elsewhere = {
        item.key
        for other in outline.sections
        if other.key != section_key
        for item in other.evidence
    }
    evidence = [item for item in section.evidence if item.key not in elsewhere]
    current = next((s for s in outline.sections if s.key == section_key), None)
    if current is not None:
        present = {item.key for item in evidence}
        for item in current.evidence:
            if item.key in items and item.key not in present:
                evidence.append(items[item.key])
                present.add(item.key)
    section.evidence = evidence

    result = copy.deepcopy(outline)
    keys = [s.key for s in result.sections]
    if section_key in keys:
        result.sections[keys.index(section_key)] = section
    else:
        earlier = [key for key in order[: order.index(section_key)] if key in keys]
        position = keys.index(earlier[-1]) + 1 if earlier else 0
        result.sections.insert(position, section)
    result.checks = check(result, selection)
    return result


# The selection, indexed


@dataclass(frozen=True)
class _Tense:
    were: str
    was: str
    differed: str
    shared: str
    stood: str
    takes: str
    did_differ: str


PAST = _Tense("were", "was", "differed", "shared", "stood", "took", "did differ")
PRESENT = _Tense("are", "is", "differ", "share", "stand", "takes", "do differ")

_PAST_WORDS = re.compile(r"\b(was|were|did|had)\b", re.IGNORECASE)
_PRESENT_WORDS = re.compile(r"\b(is|are|does|do|has|have)\b", re.IGNORECASE)


class _Context:
    """A selection with its lookups: ranks, cells, evidence by key, tense and hash seed."""

    def __init__(self, selection: Selection):
        if selection.structure not in STRUCTURES:
            raise ValueError(
                f"Unknown structure {selection.structure!r}; expected one of {STRUCTURES}."
            )
        if selection.stance not in STANCES:
            raise ValueError(f"Unknown stance {selection.stance!r}; expected one of {STANCES}.")
        for name, things in (("subject", selection.subjects), ("dimension", selection.dimensions)):
            ids = [thing.id for thing in things]
            if len(set(ids)) != len(ids):
                raise ValueError(f"A {name} is chosen twice.")
        keys = [evidence.key for evidence in selection.evidence]
        if len(set(keys)) != len(keys):
            raise ValueError("Evidence keys must be unique in a selection.")

        self.selection = selection
        self.structure = selection.structure
        self.stance = selection.stance
        self.question = " ".join(selection.question.split())
        self.subjects = selection.subjects
        self.dimensions = selection.dimensions
        self.subject_rank = {subject.id: rank for rank, subject in enumerate(self.subjects)}
        self.dimension_rank = {dim.id: rank for rank, dim in enumerate(self.dimensions)}
        self.evidence = {evidence.key: evidence for evidence in selection.evidence}
        self.index = {evidence.key: index for index, evidence in enumerate(selection.evidence)}

        self.name_words = {
            word.lower() for subject in self.subjects for word in _WORD.findall(subject.name)
        }
        self.cells: dict[tuple[int, int], str] = {}
        for cell in selection.cells:
            spot = (cell.dimension_id, cell.subject_id)
            statement = self.statement(cell.statement)
            if (
                cell.dimension_id in self.dimension_rank
                and cell.subject_id in self.subject_rank
                and statement
                and spot not in self.cells
            ):
                self.cells[spot] = statement

        members: dict[str, list[str]] = {}
        for evidence in selection.evidence:
            if evidence.pair is not None:
                members.setdefault(evidence.pair, []).append(evidence.key)
        self.paired = {key for keys in members.values() if len(keys) > 1 for key in keys}
        self.group = {
            key: min(self.index[k] for k in members.get(evidence.pair, [key]))
            if key in self.paired
            else self.index[key]
            for key, evidence in self.evidence.items()
        }

        # For placing evidence that has no dimension: the words of each dimension's name and cells.
        self.name_stems = _stems(" ".join(subject.name for subject in self.subjects))
        self.dimension_stems = {
            dimension.id: _stems(
                " ".join(
                    [dimension.name]
                    + [self.cells.get((dimension.id, s.id), "") for s in self.subjects]
                )
            )
            - self.name_stems
            for dimension in self.dimensions
        }

        asks_present = _PRESENT_WORDS.search(self.question) and not _PAST_WORDS.search(
            self.question
        )
        self.tense = PRESENT if asks_present else PAST
        names = [subject.name for subject in self.subjects] + [d.name for d in self.dimensions]
        self.seed = zlib.crc32("\x1f".join(names).encode())

    # Names

    @property
    def names(self) -> str:
        return _join([subject.name for subject in self.subjects]) or "the subjects"

    def areas(self, dimensions: tuple[Dimension, ...] | list[Dimension] | None = None) -> str:
        """The dimensions as a phrase, naming at most three ("… and two other areas")."""
        names = [_prose(d.name) for d in (self.dimensions if dimensions is None else dimensions)]
        if len(names) <= NAMED_DIMENSIONS:
            return _join(names)
        others = len(names) - NAMED_DIMENSIONS
        area = "area" if others == 1 else "areas"
        return f"{', '.join(names[:NAMED_DIMENSIONS])} and {_number(others)} other {area}"

    def asked(self) -> str:
        return f"the question “{self.question}”" if self.question else "your answer"

    def statement(self, text: str) -> str:
        """A cell as a phrase for the middle of a sentence."""
        text = " ".join(text.split()).rstrip(" .")
        words = text.split(" ")
        first = words[0] if words else ""
        bare = first.strip(",;:").lower()
        if (
            not first[:1].isupper()
            or (len(first) > 1 and first.isupper())
            or any(ch.isupper() for ch in first[1:])
            or bare in self.name_words
            or first == "I"
            or (len(words) > 1 and words[1][:1].isupper())
        ):
            return text
        return first[:1].lower() + text[1:]

    def clause(self, subject: Subject, dimension: Dimension, statement: str, short=False) -> str:
        """A cell framed as a clause about its subject ("Stalin's leadership style was …")."""
        lead = statement.split(" ")[0].strip(",;:").lower()
        name_words = {word.lower() for word in _WORD.findall(subject.name)}
        if lead in name_words:
            return statement
        if lead in _VERBS or (
            len(lead) > 4 and lead.endswith("ed") and lead not in _NOT_VERBS and lead.isalpha()
        ):
            return f"{subject.name} {statement}"
        if any(word.strip(",;:").lower() in _FINITE for word in statement.split(" ")[1:]):
            return f"in {_possessive(subject.name)} case, {statement}"
        what = "approach" if short else _prose(dimension.name)
        return f"{_possessive(subject.name)} {what} {self.tense.was} marked by {statement}"

    def fallback_clause(self, subject: Subject) -> str:
        """What a topic sentence says for a subject with no cell on the dimension."""
        line = {
            "differences": "a different line",
            "similarities": "much the same line",
            "degree": "the same line to a different degree",
        }[self.stance]
        return f"{subject.name} {self.tense.takes} {line}"

    # Evidence

    def items(self, previous: dict[str, EvidenceItem]) -> dict[str, EvidenceItem]:
        """Every evidence item in selection order, carrying the student's marks from `previous`."""
        items = {}
        for evidence in self.selection.evidence:
            item = self.item(evidence)
            if evidence.key in previous:
                before = previous[evidence.key]
                item.commentary = before.commentary
                item.relation = before.relation
                item.form = before.form
            items[evidence.key] = item
        return items

    def item(self, evidence: Evidence) -> EvidenceItem:
        subject_id = self.first_subject(evidence.subject_ids)
        if evidence.relation in ("difference", "similarity"):
            relation = evidence.relation
        elif evidence.relation == "degree":
            relation = "difference"  # a difference of degree is still a difference
        else:
            relation = "similarity" if self.stance == "similarities" else "difference"
        form = (
            "paraphrase" if not evidence.quote.strip() or evidence.form == "paraphrase" else "quote"
        )
        return EvidenceItem(
            key=evidence.key,
            subject_id=subject_id,
            quote=evidence.quote,
            note=evidence.note,
            citation=evidence.citation,
            relation=relation,
            form=form,
            commentary=self.commentary(evidence, relation, form),
        )

    def commentary(self, evidence: Evidence, relation: str, form: str) -> str:
        if evidence.kind == "question" or _asks(evidence.quote, evidence.note):
            return (
                "This is a question, not a claim: find the answer in the text and write it "
                "here as a statement."
            )
        dimension = self.dimension(evidence.dimension_id)
        area = _prose(dimension.name) if dimension else ""
        on = f" on {area}" if area else ""
        named = [s.name for s in self.subjects if s.id in evidence.subject_ids]
        if len(named) == 1:
            about = f"{_possessive(named[0])} {area}" if area else named[0]
        elif named:
            about = f"{_join(named)}{on}"
        else:
            about = area or "the question"
        if evidence.relation == "degree":
            return f"Explain how big this difference is and what it shows about {about}."
        if relation == "similarity":
            who = _join(named) if len(named) > 1 else self.names
            return f"Explain what this shows {who} had in common{on}."
        if form == "quote":
            return f"Say in your own words what this shows about {about}."
        return f"Explain what this shows about {about}."

    def first_subject(self, subject_ids: tuple[int, ...] | list[int]) -> int | None:
        chosen = [sid for sid in subject_ids if sid in self.subject_rank]
        return min(chosen, key=self.subject_rank.__getitem__) if chosen else None

    def dimension(self, dimension_id: int | None) -> Dimension | None:
        if dimension_id not in self.dimension_rank:
            return None
        return self.dimensions[self.dimension_rank[dimension_id]]

    def dimension_of(self, key: str) -> int | None:
        """The evidence's dimension if it is one of the chosen ones."""
        evidence = self.evidence.get(key)
        if evidence is None or evidence.dimension_id not in self.dimension_rank:
            return None
        return evidence.dimension_id

    def subjects_of(self, item: EvidenceItem) -> set[int]:
        """The chosen subjects an evidence item is about."""
        evidence = self.evidence.get(item.key)
        ids = set(evidence.subject_ids) if evidence else set()
        if item.subject_id is not None:
            ids.add(item.subject_id)
        return ids & set(self.subject_rank)

    def concedes(self, item: EvidenceItem) -> bool:
        """Whether the item argues against the stance, so belongs in the counterargument."""
        if self.stance == "similarities":
            return item.relation != "similarity"
        return item.relation == "similarity"

    def best_dimension(self, key: str) -> int | None:
        """The chosen dimension whose name and cells share most words with the evidence."""
        evidence = self.evidence[key]
        words = _stems(f"{evidence.quote} {evidence.note}") - self.name_stems
        best, best_score = None, 0
        for dimension in self.dimensions:
            score = len(words & self.dimension_stems[dimension.id])
            if score > best_score:
                best, best_score = dimension.id, score
        return best

    def named_subject(self, key: str) -> int | None:
        """A chosen subject that the evidence's quote or note names, first in subject order."""
        evidence = self.evidence[key]
        text = f"{evidence.quote} {evidence.note}"
        for subject in self.subjects:
            if _mentions(text, subject.name):
                return subject.id
        return None

    def subject_order(self, item: EvidenceItem) -> tuple[int, int]:
        rank = self.subject_rank.get(item.subject_id, len(self.subjects))
        return (rank, self.index[item.key])

    def dimension_order(self, item: EvidenceItem) -> tuple[int, int]:
        rank = self.dimension_rank.get(self.dimension_of(item.key), len(self.dimensions))
        return (rank, self.index[item.key])

    def in_pair_order(self, items: list[EvidenceItem]) -> list[EvidenceItem]:
        """Dimension by dimension, the two ends of a link together, subjects in order."""

        def order(item: EvidenceItem) -> tuple[int, int, int, int]:
            dimension, index = self.dimension_order(item)
            return (dimension, self.group[item.key], self.subject_order(item)[0], index)

        return sorted(items, key=order)

    def pick(self, options: list[str], salt: int = 0) -> str:
        return options[(self.seed // (salt * 7 + 1) + salt) % len(options)]


# Sections


def _sections(context: _Context, items: dict[str, EvidenceItem], thesis: str) -> list[Section]:
    conceding = [item for item in items.values() if context.concedes(item)]
    arguing = [item for item in items.values() if not context.concedes(item)]
    return [
        _introduction(context, thesis),
        *_bodies(context, arguing),
        _counterargument(context, conceding),
        _conclusion(context),
    ]


def _title(context: _Context) -> str:
    return context.question or f"{context.names} compared"


def _introduction(context: _Context, thesis: str) -> Section:
    setting = f"it helps to set {context.names} side by side."
    if context.question:
        setting = f"To answer the question “{context.question}”, {setting}"
    claim = _capital(setting) + (f" {thesis}" if thesis.strip() else "")
    return Section(
        key=INTRODUCTION,
        role="introduction",
        heading="Introduction",
        claim=claim,
        reasoning=(
            "Give the background a reader needs (who, when and where), then end the "
            "introduction with your thesis."
        ),
        transition="",
        dimension_id=None,
        subject_id=None,
    )


def _bodies(context: _Context, items: list[EvidenceItem]) -> list[Section]:
    if context.structure == "point_by_point":
        sections = [_dimension_section(context, d, i) for i, d in enumerate(context.dimensions)]
    else:
        sections = [_subject_section(context, s, i) for i, s in enumerate(context.subjects)]
        if context.structure == "block_synthesis":
            sections.append(_synthesis(context))
    if not sections:
        sections = [_fallback_body(context)]

    last = sections[-1].key
    placed: dict[str, list[EvidenceItem]] = {section.key: [] for section in sections}
    if context.structure == "point_by_point":
        for item in items:
            dimension_id = context.dimension_of(item.key)
            if dimension_id is None:
                dimension_id = context.best_dimension(item.key)
            key = f"body:dimension:{dimension_id}" if dimension_id is not None else last
            placed.get(key, placed[last]).append(item)
        for evidence in placed.values():
            evidence.sort(key=context.subject_order)
    else:
        for item in items:
            if context.structure == "block_synthesis" and item.key in context.paired:
                key = SYNTHESIS
            else:
                subject_id = item.subject_id
                if subject_id is None:
                    subject_id = context.named_subject(item.key)
                key = f"body:subject:{subject_id}" if subject_id is not None else last
            placed.get(key, placed[last]).append(item)
        for key, evidence in placed.items():
            if key == SYNTHESIS:
                evidence[:] = context.in_pair_order(evidence)
            else:
                evidence.sort(key=context.dimension_order)
    for section in sections:
        section.evidence = placed[section.key]
    return sections


def _dimension_section(context: _Context, dimension: Dimension, position: int) -> Section:
    area = _prose(dimension.name)
    tense = context.tense
    clauses = [
        context.clause(s, dimension, context.cells[(dimension.id, s.id)], short=True)
        if (dimension.id, s.id) in context.cells
        else context.fallback_clause(s)
        for s in context.subjects
    ]
    has_cells = any((dimension.id, s.id) in context.cells for s in context.subjects)
    asked = context.asked()
    if context.stance == "differences":
        claim = (
            f"On {area}, {clauses[0]}, whereas {_join_clauses(clauses[1:])}."
            if has_cells and len(clauses) > 1
            else f"On {area}, {context.names} {tense.differed} clearly."
        )
        reasoning = (
            f"Why does this difference between {context.names} in {area} matter for {asked}?"
        )
    elif context.stance == "similarities":
        claim = f"On {area}, {context.names} {tense.were} closer than they first appear"
        claim += f": {_join_clauses(clauses)}." if has_cells else "."
        reasoning = (
            f"Why does it matter for {asked} that {context.names} {tense.were} alike in {area}?"
        )
    else:
        claim = (
            f"On {area}, the gap between {context.names} {tense.was} one of degree: "
            f"{clauses[0]}, while {_join_clauses(clauses[1:])}."
            if has_cells and len(clauses) > 1
            else f"On {area}, {context.names} {tense.differed} in degree rather than in kind."
        )
        reasoning = (
            f"How big is the gap between {context.names} in {area}, and why does its size "
            f"matter for {asked}?"
        )
    bank = TRANSITIONS[RELATIONAL_BANK[context.stance]]
    return Section(
        key=f"body:dimension:{dimension.id}",
        role="body",
        heading=dimension.name,
        claim=_capital(claim),
        reasoning=_tidy(reasoning),
        transition=bank[position % len(bank)],
        dimension_id=dimension.id,
        subject_id=None,
    )


def _subject_section(context: _Context, subject: Subject, position: int) -> Section:
    clauses = [
        context.clause(subject, d, context.cells[(d.id, subject.id)])
        for d in context.dimensions
        if (d.id, subject.id) in context.cells
    ]
    others = _join([s.name for s in context.subjects if s.id != subject.id]) or "the others"
    areas = context.areas() or "each area"
    if clauses:
        claim = _join_clauses(clauses, separator="; ") + "."
    elif position == 0:
        claim = f"{_possessive(subject.name)} approach to {areas} sets the baseline."
    else:
        claim = f"{context.fallback_clause(subject)} on {areas}."
    first = context.subjects[0].name
    why = {
        "differences": "the difference",
        "similarities": "the likeness",
        "degree": "the size of the gap",
    }[context.stance]
    if position == 0:
        reasoning = (
            f"What runs through {_possessive(subject.name)} approach to {areas}? "
            f"Note the points you will set against {others}."
        )
        transition = TRANSITIONS["addition"][0]
    else:
        reasoning = f"Set each point against {first}: why does {why} matter for {context.asked()}?"
        bank = TRANSITIONS[RELATIONAL_BANK[context.stance]]
        transition = bank[(position - 1) % len(bank)]
    return Section(
        key=f"body:subject:{subject.id}",
        role="body",
        heading=subject.name,
        claim=_capital(claim),
        reasoning=_tidy(reasoning),
        transition=transition,
        dimension_id=None,
        subject_id=subject.id,
    )


def _synthesis(context: _Context) -> Section:
    tense = context.tense
    areas = context.areas() or "every area"
    claim = {
        "differences": (
            f"Set side by side, {context.names} {tense.differed} most clearly in {areas}."
        ),
        "similarities": f"Set side by side, {context.names} {tense.were} closest in {areas}.",
        "degree": (
            f"Set side by side, {context.names} {tense.differed} in degree rather than in kind "
            f"across {areas}."
        ),
    }[context.stance]
    why = {
        "differences": "that difference",
        "similarities": "that likeness",
        "degree": "the size of that gap",
    }[context.stance]
    turns = ", then ".join(_prose(d.name) for d in context.dimensions) or "each area"
    reasoning = (
        f"Take each area in turn ({turns}): say in one sentence how {context.names} compare, "
        f"then why {why} matters for {context.asked()}."
    )
    return Section(
        key=SYNTHESIS,
        role="synthesis",
        heading="Side by side",
        claim=claim,
        reasoning=_tidy(reasoning),
        transition=context.pick(TRANSITIONS[RELATIONAL_BANK[context.stance]], salt=3),
        dimension_id=None,
        subject_id=None,
    )


def _fallback_body(context: _Context) -> Section:
    missing = "areas" if context.structure == "point_by_point" else "subjects"
    return Section(
        key=FALLBACK_BODY,
        role="body",
        heading="Your evidence",
        claim=f"Choose the {missing} you want to compare to turn this evidence into sections.",
        reasoning="What does this evidence show, and which side of the comparison does it support?",
        transition=TRANSITIONS["addition"][0],
        dimension_id=None,
        subject_id=None,
    )


def _counterargument(context: _Context, items: list[EvidenceItem]) -> Section:
    tense = context.tense
    names = context.names
    dimensions = sorted(
        {context.dimension_of(item.key) for item in items} - {None},
        key=context.dimension_rank.__getitem__,
    )
    especially = (
        f", especially in {context.areas([context.dimension(d) for d in dimensions])}"
        if dimensions
        else ""
    )
    if context.stance == "similarities":
        if items:
            claim = f"{names} {tense.did_differ} in some respects{especially}."
            reasoning = (
                "Explain why these differences do not overturn your thesis, or how they qualify it."
            )
        else:
            claim = f"A reader could point to ways in which {names} {tense.differed}."
            reasoning = (
                f"Find one real difference between {names} in the text, mark it as a "
                "difference, and explain why it does not overturn your thesis."
            )
    elif context.stance == "degree":
        claim = f"A reader might object that {names} {tense.differed} in kind, not just in degree"
        if items:
            claim += f"; yet they {tense.were} alike in some respects{especially}."
            reasoning = (
                "Explain how these similarities show that the gap is one of degree, not of kind."
            )
        else:
            claim += "."
            reasoning = (
                f"Find evidence that {names} {tense.were} alike, mark it as a similarity, and "
                "use it to answer this objection."
            )
    elif items:
        claim = f"{names} {tense.were} alike in some respects{especially}."
        reasoning = (
            "Explain why these similarities do not overturn your thesis, or how they qualify it."
        )
    else:
        claim = f"A reader could point to ways in which {names} {tense.were} alike."
        reasoning = (
            f"Find one real similarity between {names} in the text, mark it as a similarity, "
            "and explain why it does not overturn your thesis."
        )
    return Section(
        key=COUNTERARGUMENT,
        role="counterargument",
        heading="Counterargument",
        claim=_capital(claim),
        reasoning=reasoning,
        transition=context.pick(TRANSITIONS["concession"], salt=1),
        dimension_id=None,
        subject_id=None,
        evidence=context.in_pair_order(items),
    )


def _conclusion(context: _Context) -> Section:
    tense = context.tense
    names = context.names
    areas = context.areas() or "every area"
    claim = {
        "differences": (
            f"So the answer is that {names} {tense.were} more different than alike, above all "
            f"in {areas}, and that gap outweighs what they {tense.shared}."
        ),
        "similarities": (
            f"So the answer is that what {names} {tense.shared} in {areas} runs deeper than "
            f"the ways they {tense.differed}."
        ),
        "degree": (
            f"So the answer is that {names} {tense.differed} in how far they went rather than "
            f"in where they {tense.were} heading: in {areas} the gap is real but limited."
        ),
    }[context.stance]
    beyond = f"{names} themselves" if context.subjects else "these cases"
    question = f"“{context.question}”" if context.question else "the question"
    return Section(
        key=CONCLUSION,
        role="conclusion",
        heading="Conclusion",
        claim=claim,
        reasoning=(
            f"Answer {question} in words that differ from your thesis, then end with what the "
            f"comparison shows beyond {beyond}."
        ),
        transition=context.pick(TRANSITIONS["conclusion"], salt=2),
        dimension_id=None,
        subject_id=None,
    )


# The thesis

_WITH_CELLS = {
    "differences": [
        "Whereas {whereas}, so {names} {differed} most in {areas}, which {why}.",
        "{while_}; in short, {names} {differed} most in {areas}, and this {why}.",
        "{names} {differed} most in {areas}: whereas {whereas} — a contrast that {why}.",
    ],
    "similarities": [
        "Although {and_}, {names} {were} more alike than different in {areas}, which {why}.",
        "Even though {and_}, {names} {shared} more than they {differed} in {areas}, "
        "a likeness that {why}.",
        "While {and_}, {names} {stood} closer together on {areas} than they first appear, "
        "which {why}.",
    ],
    "degree": [
        "Although {and_}, {names} {differed} in degree rather than in kind across {areas}, "
        "which {why}.",
        "{names} {differed} in degree rather than in kind across {areas}: whereas {whereas} "
        "— a difference that {why}.",
        "While {and_}, {names} {differed} across {areas} in how far they went, a difference "
        "of degree rather than of kind, which {why}.",
    ],
}

_WITHOUT_CELLS = {
    "differences": [
        "Whereas {names} are often discussed together, they {differed} most in {areas}, "
        "which {why}.",
        "Unlike {first}, {rest} {took_a_different_course} in {areas}, which {why}.",
    ],
    "similarities": [
        "Although {names} are often contrasted, they {were} more alike than different in "
        "{areas}, which {why}.",
        "Even though {names} can seem far apart, they {shared} more than they {differed} in "
        "{areas}, which {why}.",
    ],
    "degree": [
        "Although {names} can look worlds apart, they {differed} in degree rather than in kind "
        "across {areas}, which {why}.",
        "While a first reading suggests a sharp divide, {names} {differed} only in degree "
        "across {areas}, which {why}.",
    ],
}

_WHY = {
    "differences": [
        "shows how far apart they really {were}",
        "matters because it shows what each of them put first",
        "reveals how differently the same challenges could be met",
    ],
    "similarities": [
        "shows how much continuity lies beneath the surface",
        "matters because it shows that they {shared} the same core",
        "suggests that what they {shared} matters more than how they {differed}",
    ],
    "degree": [
        "shows that the gap between them {was} real but limited",
        "matters because it shows how far apart two approaches can be while sharing the same aims",
        "reveals that they {shared} the same aims even where their methods {differed}",
    ],
}


def _thesis(context: _Context) -> str:
    """A thesis that names every subject and the chosen dimensions and takes the stance."""
    subjects = context.subjects
    tense = context.tense
    lead = next(
        (d for d in context.dimensions if all((d.id, s.id) in context.cells for s in subjects)),
        None,
    )
    words = {
        "names": context.names,
        "areas": context.areas() or "the areas you compare",
        "differed": tense.differed,
        "were": tense.were,
        "shared": tense.shared,
        "stood": tense.stood,
        "was": tense.was,
    }
    words["why"] = context.pick(_WHY[context.stance], salt=1).format(**words)
    if lead is not None and len(subjects) > 1:
        clauses = [context.clause(s, lead, context.cells[(lead.id, s.id)]) for s in subjects]
        words["whereas"] = f"{clauses[0]}, {_join_clauses(clauses[1:])}"
        words["while_"] = f"{clauses[0]}, while {_join_clauses(clauses[1:])}"
        words["and_"] = _join_clauses(clauses)
        patterns = _WITH_CELLS[context.stance]
    else:
        rest = [s.name for s in subjects[1:]]
        words["first"] = subjects[0].name if subjects else "the first"
        words["rest"] = _join(rest) or "the other"
        words["took_a_different_course"] = (
            f"{tense.takes} a clearly different course"
            if len(rest) <= 1
            else "each took a different course"
            if tense is PAST
            else "each take a different course"
        )
        patterns = _WITHOUT_CELLS[context.stance]
    pattern = context.pick(patterns)
    return _capital(pattern.format(**words))


# Checks

_CONNECTIVES = re.compile(
    r"\b(whereas|whilst|while|although|though|unlike|just as|in contrast|by contrast|"
    r"compared (with|to)|however|but|yet|similarly|likewise|rather than)\b",
    re.IGNORECASE,
)
_SIGNIFICANCE = re.compile(
    r"\b(shows?|showing|reveals?|suggests?|matters?|because|means|important|significant|"
    r"explains?|demonstrates?|proves?|illustrates?|highlights?|tells us|therefore)\b",
    re.IGNORECASE,
)
_EMPTY_PATTERNS = [
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"\bthis (essay|outline|paper|piece of writing) (will|is going to|shall|aims to|"
        r"sets out to) (compare|contrast|discuss|look at|examine|explore|describe|talk about|"
        r"be about)\b",
        r"\bthis (essay|outline|paper|piece of writing) is (about|going to be about)\b",
        r"\b(i|we) (will|am going to|are going to|shall) (compare|contrast|discuss|look at|"
        r"examine|explore|write about|talk about)\b",
        r"\bcompare and contrast\b",
        r"\b(similar|alike) in some (ways|respects),? (and|but|yet) different in "
        r"(others|other ways|some (ways|respects))",
        r"\bdifferent in some (ways|respects),? (and|but|yet) (similar|alike) in "
        r"(others|other ways|some (ways|respects))",
        r"\b(many|some|several|a lot of|lots of|a number of|both|plenty of) "
        r"(similarities and differences|differences and similarities)\b",
        r"\b(similar|alike) and (different|unalike)\b",
        r"\b(different|unalike) and (similar|alike)\b",
    )
]
_OTHER_AREAS = re.compile(r"\b(other|more|further) (areas?|dimensions?|respects|ways)\b", re.I)


def _thesis_checks(thesis: str, context: _Context) -> list[Check]:
    text = " ".join(thesis.split())
    checks = []

    missing = [s.name for s in context.subjects if not _mentions(text, s.name)]
    if len(context.subjects) < 2:
        message = "Choose at least two subjects to compare, and name them here."
    elif missing:
        message = f"Name {_join(missing)} in your thesis, so the reader knows who you compare."
    else:
        message = f"Your thesis names {context.names}."
    checks.append(
        Check("thesis_names_subjects", len(context.subjects) > 1 and not missing, message, "thesis")
    )

    dimensions = context.dimensions
    named = [d for d in dimensions if _mentions_area(text, d.name)]
    unnamed = [d for d in dimensions if d not in named]
    enough = not unnamed or (
        len(dimensions) > NAMED_DIMENSIONS
        and len(named) >= NAMED_DIMENSIONS
        and bool(_OTHER_AREAS.search(text))
    )
    if not dimensions:
        message = "Choose the areas you want to compare (rows of the matrix) and name them here."
    elif enough:
        message = "Your thesis names the areas you compare."
    elif len(dimensions) > NAMED_DIMENSIONS:
        message = (
            f"Name at least {_number(NAMED_DIMENSIONS)} of the areas you compare and say there "
            f"are others (“and two other areas”); so far it names {len(named)}."
        )
    else:
        message = (
            f"Say which areas you compare: your thesis does not yet mention "
            f"{_join([_prose(d.name) for d in unnamed])}."
        )
    checks.append(Check("thesis_names_dimensions", bool(dimensions) and enough, message, "thesis"))

    connective = bool(_CONNECTIVES.search(text))
    checks.append(
        Check(
            "thesis_connective",
            connective,
            "Your thesis links the subjects with a comparing word."
            if connective
            else (
                "Join the subjects in one sentence with a comparing word such as whereas, "
                "while, although or unlike."
            ),
            "thesis",
        )
    )

    significant = bool(_SIGNIFICANCE.search(text))
    checks.append(
        Check(
            "thesis_significance",
            significant,
            "Your thesis says why the comparison matters."
            if significant
            else (
                "Say why the comparison matters, for example by ending with “which shows …” "
                "or “this matters because …”."
            ),
            "thesis",
        )
    )

    if not text:
        ok, message = False, "Write a thesis: one sentence that answers the question."
    elif any(pattern.search(text) for pattern in _EMPTY_PATTERNS):
        ok, message = (
            False,
            (
                "“This essay will compare …” or “similar in some ways and different in others” "
                "could be said of any two things. Take a position: do the differences or the "
                "similarities matter more, and where?"
            ),
        )
    else:
        ok, message = True, "Your thesis takes a position."
    checks.append(Check("thesis_not_empty_pattern", ok, message, "thesis"))
    return checks


def _dimension_checks(outline: Outline, context: _Context) -> list[Check]:
    everyone = set(context.subject_rank)
    sections = {section.key: section for section in outline.sections}
    arguing = [s for s in outline.sections if s.role in ("body", "synthesis")]
    checks = []
    for dimension in context.dimensions:
        area = dimension.name
        key = f"body:dimension:{dimension.id}"
        if context.structure == "point_by_point":
            if key not in sections:
                checks.append(
                    Check(
                        "dimension_one_sided",
                        False,
                        f"{area} is one of your areas but has no section yet. Add it back or "
                        "leave it out of your thesis.",
                        "thesis",
                    )
                )
                continue
            target = key
            items = sections[key].evidence
        else:
            target = "thesis"
            items = [
                item
                for section in arguing
                for item in section.evidence
                if context.dimension_of(item.key) == dimension.id
            ]
        covered = set().union(*(context.subjects_of(item) for item in items))
        if not covered and context.structure == "point_by_point":
            continue  # an empty section is reported by section_without_evidence
        missing = [s.name for s in context.subjects if s.id not in covered]
        if not missing:
            message = f"{area} has evidence for {context.names}."
        elif not covered:
            message = (
                f"There is no evidence on {_prose(area)} yet. Add some for {context.names}, so "
                "the comparison rests on the text."
            )
        else:
            having = _join([s.name for s in context.subjects if s.id in covered])
            message = (
                f"{area} has evidence for {having} but not yet for {_join(missing)}. Add some "
                "so both sides of the comparison are supported."
            )
        checks.append(Check("dimension_one_sided", covered >= everyone, message, target))
    return checks


def _section_checks(outline: Outline) -> list[Check]:
    checks = []
    for section in outline.sections:
        if section.role not in ("body", "synthesis"):
            continue
        if section.evidence:
            message = f"“{section.heading}” has evidence."
        elif section.role == "synthesis":
            message = (
                f"“{section.heading}” has no evidence yet. Link two pieces of evidence about "
                "different subjects as a comparison, or choose evidence for this section."
            )
        else:
            message = (
                f"“{section.heading}” has no evidence yet. Choose at least one piece of "
                "evidence to back up its claim."
            )
        checks.append(
            Check("section_without_evidence", bool(section.evidence), message, section.key)
        )
    return checks


def _stance_check(outline: Outline) -> Check:
    relations = {
        "similarity" if item.relation == "similarity" else "difference"
        for section in outline.sections
        for item in section.evidence
    }
    keys = {section.key for section in outline.sections}
    target = COUNTERARGUMENT if COUNTERARGUMENT in keys else "thesis"
    if relations == {"difference", "similarity"}:
        return Check(
            "one_sided_stance",
            True,
            "Your outline weighs both differences and similarities.",
            target,
        )
    if not relations:
        message = (
            "There is no evidence yet. The strongest essays explain both the differences and "
            "the similarities: add evidence for each."
        )
    elif relations == {"difference"}:
        message = (
            "Every piece of evidence shows a difference. The strongest essays explain both: "
            "find one similarity, mark it as a similarity, and use it in your counterargument."
        )
    else:
        message = (
            "Every piece of evidence shows a similarity. The strongest essays explain both: "
            "find one difference, mark it as a difference, and use it in your counterargument."
        )
    return Check("one_sided_stance", False, message, target)


def _question_checks(outline: Outline, context: _Context) -> list[Check]:
    checks = []
    for section in outline.sections:
        for item in section.evidence:
            evidence = context.evidence.get(item.key)
            if (evidence is not None and evidence.kind == "question") or _asks(
                item.quote, item.note
            ):
                checks.append(
                    Check(
                        "question_as_evidence",
                        False,
                        "This is a question rather than a claim. Find the answer in the text "
                        "and use that as your evidence, or move the question to your notes.",
                        item.key,
                    )
                )
    if not checks:
        checks.append(
            Check(
                "question_as_evidence",
                True,
                "Every piece of evidence makes a claim.",
                "thesis",
            )
        )
    return checks


def _quote_check(outline: Outline) -> Check:
    items = [item for section in outline.sections for item in section.evidence]
    quotes = sum(item.form == "quote" for item in items)
    if quotes * 2 <= len(items):
        return Check(
            "quote_heavy",
            True,
            "You put at least half of your evidence in your own words.",
            "thesis",
        )
    return Check(
        "quote_heavy",
        False,
        f"{quotes} of your {len(items)} pieces of evidence are direct quotes. Try putting some "
        "in your own words: a paraphrase shows you understood it. Keep quotes for the exact "
        "words that matter.",
        "thesis",
    )


# Words

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")

_STOP = {
    "about", "after", "also", "been", "both", "from", "have", "into", "more", "most", "much",
    "only", "other", "over", "same", "some", "such", "than", "that", "their", "them", "then",
    "there", "these", "they", "this", "those", "very", "were", "what", "when", "where", "which",
    "while", "with", "would", "your",
}  # fmt: skip

# Common first words of a matrix cell written as a verb phrase ("Won the war …").
_VERBS = {
    "began", "became", "broke", "brought", "built", "chose", "drove", "fell", "fought", "gave",
    "grew", "had", "held", "kept", "led", "left", "lost", "made", "put", "ran", "rose", "sent",
    "set", "sought", "spent", "stood", "struck", "took", "tried", "was", "were", "won", "wrote",
    "uses", "makes", "keeps", "takes", "gives", "seeks", "tries", "builds", "leads", "rules",
    "relies", "aims", "wants", "focuses", "promotes", "favours", "favors", "rejects", "is",
    "are", "has", "have",
}  # fmt: skip

# Words ending in -ed that are rarely verbs.
_NOT_VERBS = {"hundred", "sacred", "kindred", "naked", "wicked", "rugged", "beloved", "indeed"}

# Finite verbs that make a cell a whole clause ("Show trials kept society in fear").
_FINITE = {
    "was", "were", "is", "are", "had", "has", "have", "kept", "became", "remained", "caused",
    "made", "gave", "took", "ruled", "relied", "grew", "fell", "rose", "led", "won", "lost",
}  # fmt: skip

_NUMBERS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def _number(n: int) -> str:
    return _NUMBERS[n] if 0 <= n < len(_NUMBERS) else str(n)


def _join(items: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(items) <= 2:
        return " and ".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _join_clauses(clauses: list[str], separator: str = ", ") -> str:
    """Clauses, which may hold commas of their own: "a and b", "a, b, and c"."""
    if len(clauses) <= 2 and separator == ", ":
        return " and ".join(clauses)
    if len(clauses) == 1:
        return clauses[0]
    return f"{separator.join(clauses[:-1])}{separator.rstrip()} and {clauses[-1]}"


def _tidy(text: str) -> str:
    """One end mark after a quoted question: "… “How was it?”?" -> "… “How was it?”"."""
    return re.sub(r"([?!.])”[?.]", r"\1”", text)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _prose(name: str) -> str:
    """A dimension name for the middle of a sentence: "Leadership style" -> "leadership style"."""
    words = name.split()
    if not words:
        return name
    first = words[0]
    if (
        (len(first) > 1 and first.isupper())
        or any(ch.isupper() for ch in first[1:])
        or (len(words) > 1 and words[1][:1].isupper())
    ):
        return name
    return first[:1].lower() + name[1:]


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _asks(*texts: str) -> bool:
    return any(text.strip().endswith("?") for text in texts)


def _stems(text: str) -> set[str]:
    """Content words cut to five letters, so "economy" meets "economic"."""
    return {
        word[:5]
        for word in (w.lower() for w in _WORD.findall(text))
        if len(word) >= 4 and word not in _STOP
    }


def _mentions(text: str, name: str) -> bool:
    """Whether `text` names a subject, in full or by the last word of a longer name."""
    name = " ".join(name.split())
    if not name:
        return False
    if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE):
        return True
    words = name.split(" ")
    last = words[-1]
    return (
        len(words) > 1
        and len(last) >= 3
        and bool(re.search(rf"(?<!\w){re.escape(last)}(?!\w)", text, re.IGNORECASE))
    )


def _mentions_area(text: str, name: str) -> bool:
    """Whether `text` names a dimension: the whole name, or each of its content words."""
    name = " ".join(name.split())
    if not name:
        return False
    if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE):
        return True
    wanted = _stems(name)
    return bool(wanted) and wanted <= _stems(text)


def _items_by_key(outline: Outline) -> dict[str, EvidenceItem]:
    return {item.key: item for section in outline.sections for item in section.evidence}
