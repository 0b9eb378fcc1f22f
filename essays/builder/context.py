"""A selection with its lookups: ranks, cells, evidence by key, tense and hash seed."""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

from essays.builder.text import (
    FINITE,
    NOT_VERBS,
    VERBS,
    WORD,
    asks,
    join,
    mentions,
    number,
    possessive,
    prose,
    stems,
)
from essays.builder.types import (
    NAMED_DIMENSIONS,
    STANCES,
    STRUCTURES,
    Dimension,
    Evidence,
    EvidenceItem,
    Selection,
    Subject,
)


@dataclass(frozen=True)
class Tense:
    were: str
    was: str
    differed: str
    shared: str
    stood: str
    takes: str
    did_differ: str


PAST = Tense("were", "was", "differed", "shared", "stood", "took", "did differ")
PRESENT = Tense("are", "is", "differ", "share", "stand", "takes", "do differ")

PAST_WORDS = re.compile(r"\b(was|were|did|had)\b", re.IGNORECASE)
PRESENT_WORDS = re.compile(r"\b(is|are|does|do|has|have)\b", re.IGNORECASE)


class Context:
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
            word.lower() for subject in self.subjects for word in WORD.findall(subject.name)
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
        self.name_stems = stems(" ".join(subject.name for subject in self.subjects))
        self.dimension_stems = {
            dimension.id: stems(
                " ".join(
                    [dimension.name]
                    + [self.cells.get((dimension.id, s.id), "") for s in self.subjects]
                )
            )
            - self.name_stems
            for dimension in self.dimensions
        }

        asks_present = PRESENT_WORDS.search(self.question) and not PAST_WORDS.search(self.question)
        self.tense = PRESENT if asks_present else PAST
        names = [subject.name for subject in self.subjects] + [d.name for d in self.dimensions]
        self.seed = zlib.crc32("\x1f".join(names).encode())

    # Names

    @property
    def names(self) -> str:
        return join([subject.name for subject in self.subjects]) or "the subjects"

    def areas(self, dimensions: tuple[Dimension, ...] | list[Dimension] | None = None) -> str:
        """The dimensions as a phrase, naming at most three ("… and two other areas")."""
        names = [prose(d.name) for d in (self.dimensions if dimensions is None else dimensions)]
        if len(names) <= NAMED_DIMENSIONS:
            return join(names)
        others = len(names) - NAMED_DIMENSIONS
        area = "area" if others == 1 else "areas"
        return f"{', '.join(names[:NAMED_DIMENSIONS])} and {number(others)} other {area}"

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
        name_words = {word.lower() for word in WORD.findall(subject.name)}
        if lead in name_words:
            return statement
        if lead in VERBS or (
            len(lead) > 4 and lead.endswith("ed") and lead not in NOT_VERBS and lead.isalpha()
        ):
            return f"{subject.name} {statement}"
        if any(word.strip(",;:").lower() in FINITE for word in statement.split(" ")[1:]):
            return f"in {possessive(subject.name)} case, {statement}"
        what = "approach" if short else prose(dimension.name)
        return f"{possessive(subject.name)} {what} {self.tense.was} marked by {statement}"

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
        if evidence.kind == "question" or asks(evidence.quote, evidence.note):
            return (
                "This is a question, not a claim: find the answer in the text and write it "
                "here as a statement."
            )
        dimension = self.dimension(evidence.dimension_id)
        area = prose(dimension.name) if dimension else ""
        on = f" on {area}" if area else ""
        named = [s.name for s in self.subjects if s.id in evidence.subject_ids]
        if len(named) == 1:
            about = f"{possessive(named[0])} {area}" if area else named[0]
        elif named:
            about = f"{join(named)}{on}"
        else:
            about = area or "the question"
        if evidence.relation == "degree":
            return f"Explain how big this difference is and what it shows about {about}."
        if relation == "similarity":
            who = join(named) if len(named) > 1 else self.names
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
        words = stems(f"{evidence.quote} {evidence.note}") - self.name_stems
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
            if mentions(text, subject.name):
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
