"""A selection with its lookups: ranks, cells, evidence and judgements by key."""

from __future__ import annotations

from functools import cached_property

from essays.builder.text import (
    CopiedIndex,
    copied_index,
    join,
    kept_copied_index,
    mentions,
    stems,
)
from essays.builder.types import (
    ALIKE_KINDS,
    KINDS,
    RELATIONS,
    SOURCES,
    STANCES,
    STRUCTURES,
    SUCCESSIVE_KINDS,
    Dimension,
    Evidence,
    EvidenceItem,
    Judgement,
    Selection,
)


class Context:
    """A selection, checked for shape, with the lookups placement and checks share."""

    def __init__(self, selection: Selection):
        if selection.structure not in STRUCTURES:
            raise ValueError(
                f"Unknown structure {selection.structure!r}; expected one of {STRUCTURES}."
            )
        if selection.stance is not None and selection.stance not in STANCES:
            raise ValueError(f"Unknown stance {selection.stance!r}; expected one of {STANCES}.")
        for name, things in (("subject", selection.subjects), ("dimension", selection.dimensions)):
            ids = [thing.id for thing in things]
            if len(set(ids)) != len(ids):
                raise ValueError(f"A {name} is chosen twice.")
        keys = [evidence.key for evidence in selection.evidence]
        if len(set(keys)) != len(keys):
            raise ValueError("Evidence keys must be unique in a selection.")
        for evidence in selection.evidence:
            if evidence.relation is not None and evidence.relation not in RELATIONS:
                raise ValueError(f"Unknown relation {evidence.relation!r}.")
            if evidence.source not in SOURCES:
                raise ValueError(f"Unknown source {evidence.source!r}.")

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
        self.cells: dict[tuple[int, int], str] = {}
        for cell in selection.cells:
            spot = (cell.dimension_id, cell.subject_id)
            if (
                cell.dimension_id in self.dimension_rank
                and cell.subject_id in self.subject_rank
                and cell.statement.strip()
                and spot not in self.cells
            ):
                self.cells[spot] = " ".join(cell.statement.split())

        # The student's judgements on chosen dimensions; the last one given for a dimension wins.
        self.judgements: dict[int, Judgement] = {}
        for judgement in selection.judgements:
            if judgement.kind is not None and judgement.kind not in KINDS:
                raise ValueError(f"Unknown judgement {judgement.kind!r}.")
            if judgement.dimension_id in self.dimension_rank:
                self.judgements[judgement.dimension_id] = judgement

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

    @cached_property
    def not_own_words(self) -> list[CopiedIndex]:
        """Text that is not the student's, indexed for the copied-words checks: the matrix
        cells and the article (the same for every student of an assignment, so indexed once
        and kept), then the quotes and the table's notes chosen. Made once per context, not
        once per box checked."""
        selection = self.selection
        article = kept_copied_index(
            # Every cell given, chosen or not: copying any of the table is copying.
            (*(cell.statement for cell in selection.cells), *selection.article)
        )
        chosen = copied_index(
            [
                *(evidence.quote for evidence in selection.evidence),
                *(e.note for e in selection.evidence if e.source == "table"),
            ]
        )
        return [article, chosen]

    # Names

    @property
    def names(self) -> str:
        return join([subject.name for subject in self.subjects]) or "the subjects"

    # Judgements

    def kind_of(self, dimension_id: int | None) -> str | None:
        judgement = self.judgements.get(dimension_id)
        kind = judgement.kind if judgement else None
        # "changed" and "continued" only mean something when one subject followed the other.
        if kind in SUCCESSIVE_KINDS and not self.selection.successive:
            return None
        return kind

    @property
    def argues_likeness(self) -> bool:
        """Whether the student's judgements (or, with none, their stated view) mostly find the
        subjects alike: then the alike dimensions are the argument and the differences the
        counterargument. Ties argue difference, the usual shape of a comparative essay."""
        kinds = [self.kind_of(d.id) for d in self.dimensions]
        alike = sum(kind in ALIKE_KINDS for kind in kinds)
        unlike = sum(kind is not None and kind not in ALIKE_KINDS for kind in kinds)
        if alike or unlike:
            return alike > unlike
        return self.stance == "similarities"

    def concedes_dimension(self, dimension_id: int | None) -> bool:
        """Whether the student judged this dimension the other way from their argument."""
        kind = self.kind_of(dimension_id)
        if kind is None:
            return False
        return (kind in ALIKE_KINDS) != self.argues_likeness

    @property
    def most_significant(self) -> Dimension | None:
        for dimension in self.dimensions:
            judgement = self.judgements.get(dimension.id)
            if judgement is not None and judgement.most_significant:
                return dimension
        return None

    # Evidence

    def items(self, previous: dict[str, EvidenceItem]) -> dict[str, EvidenceItem]:
        """Every evidence item in selection order, carrying the student's marks from `previous`."""
        items = {}
        for evidence in self.selection.evidence:
            item = self.item(evidence)
            if evidence.key in previous:
                before = previous[evidence.key]
                item.reasoning = before.reasoning
                item.relation = before.relation
                item.form = before.form
            items[evidence.key] = item
        return items

    def item(self, evidence: Evidence) -> EvidenceItem:
        """The card for one piece of evidence. Its relation is the link's (its author chose
        it) or None: the builder never guesses a relation from the stance."""
        form = (
            "paraphrase" if not evidence.quote.strip() or evidence.form == "paraphrase" else "quote"
        )
        return EvidenceItem(
            key=evidence.key,
            subject_id=self.first_subject(evidence.subject_ids),
            quote=evidence.quote,
            note=evidence.note,
            citation=evidence.citation,
            relation=evidence.relation,
            form=form,
            source=evidence.source,
            reasoning="",
            prompt=self.evidence_prompt(evidence),
        )

    def evidence_prompt(self, evidence: Evidence) -> str:
        if evidence.source == "table":
            return (
                "This is from the summary table: find the words in the text that show it, "
                "then say what they show."
            )
        if evidence.kind == "question" or evidence.note.strip().endswith("?"):
            return "This note asks a question: find the answer in the text and use that instead."
        return "What does this show, and why does it matter for your answer?"

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

    def tags_of(self, key: str) -> set[int]:
        """Every dimension the text is tagged with where this evidence was taken."""
        evidence = self.evidence.get(key)
        if evidence is None:
            return set()
        tags = set(evidence.tags)
        if evidence.dimension_id is not None:
            tags.add(evidence.dimension_id)
        return tags

    def subjects_of(self, item: EvidenceItem) -> set[int]:
        """The chosen subjects an evidence item is about."""
        evidence = self.evidence.get(item.key)
        ids = set(evidence.subject_ids) if evidence else set()
        if item.subject_id is not None:
            ids.add(item.subject_id)
        return ids & set(self.subject_rank)

    def concedes(self, item: EvidenceItem) -> bool:
        """Whether the item belongs in the counterargument: its dimension was judged the other
        way, or the student (or a link) marked it as showing the other side."""
        if self.concedes_dimension(self.dimension_of(item.key)):
            return True
        if item.relation is None:
            return False
        return (item.relation == "similarity") != self.argues_likeness

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
        return (rank, self.index.get(item.key, len(self.index)))

    def dimension_order(self, item: EvidenceItem) -> tuple[int, int]:
        rank = self.dimension_rank.get(self.dimension_of(item.key), len(self.dimensions))
        return (rank, self.index.get(item.key, len(self.index)))

    def in_pair_order(self, items: list[EvidenceItem]) -> list[EvidenceItem]:
        """Dimension by dimension, the two ends of a link together, subjects in order."""

        def order(item: EvidenceItem) -> tuple[int, int, int, int]:
            dimension, index = self.dimension_order(item)
            return (dimension, self.group.get(item.key, index), self.subject_order(item)[0], index)

        return sorted(items, key=order)
