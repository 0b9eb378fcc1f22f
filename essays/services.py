"""Between the database and the pure builder: what a student may choose from, turned into
`builder.Selection`; the builder's outline, turned into rows; and back again."""

import dataclasses
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.db.models import Case, Value, When
from django.utils import timezone

from annotations.models import Annotation, Link, ViewerRule
from comparisons.models import Comparison, Contrast
from comparisons.reading import reading_for
from counterpoint import permissions
from counterpoint.lib import ratelimit
from counterpoint.lib.errors import Forbidden, NotAllowed
from counterpoint.lib.safejson import parse_id
from counterpoint.models import Membership
from essays import builder
from essays.draft_checks import DraftCheck, Paragraph, check
from essays.models import Evidence, Outline, OutlineSection


@dataclass
class Material:
    """Everything the builder page offers one student for one assignment. The comparison and
    its layout are the kept text (comparisons.reading), shared with other requests: read only."""

    comparison: Comparison
    layout: dict
    subjects: list
    dimensions: list
    cells: dict  # (dimension_id, subject_id) -> Contrast
    annotations: list  # visible top-level annotations with a quote, in text order
    links: list  # comparison links between two of those annotations
    citations: dict = field(default_factory=dict)  # passage_id -> "§2 ¶5"
    # Whose material it is: their own notes are "own" evidence, everyone else's "classmate".
    user_id: int | None = None
    question: str = ""  # the assignment's essay question (never the article's title)
    tags: dict = field(default_factory=dict)  # passage_id -> (dimension ids the text is about)
    article: tuple = ()  # the passages' text, for the copied-words check
    successive: bool = False  # the comparison's subjects follow one another in time
    scaffolding: str = "on"  # the assignment's settings for the builder
    min_evidence: int = 1
    # `menu`, when only its first rows were loaded (builder_material's `menu`).
    menu_sources: list | None = None

    def evidence_for(self, key: str) -> list[builder.Evidence]:
        """The builder's Evidence for one tray key: an annotation, a link (two pieces),
        or a matrix cell."""
        kind, _, raw = key.partition(":")
        pk = parse_id(raw)
        if pk is None:
            return []
        if kind == "annotation":
            annotation = self._annotations.get(pk)
            return [self._from_annotation(annotation)] if annotation else []
        if kind == "link":
            link = self._links.get(pk)
            if link is None:
                return []
            return [
                self._from_annotation(link.source, relation=link.relation, pair=key),
                self._from_annotation(link.target, relation=link.relation, pair=key),
            ]
        if kind == "contrast":
            cell = self._cells_by_pk.get(pk)
            if cell is None:
                return []
            return [
                builder.Evidence(
                    key=key,
                    subject_ids=(cell.subject_id,),
                    dimension_id=cell.dimension_id,
                    quote="",
                    note=cell.statement,
                    citation="summary table",
                    form="paraphrase",
                    source="table",
                )
            ]
        return []

    @property
    def menu(self) -> list:
        """The annotations in the order the editor's "Add evidence" menus offer them: the
        student's own, then classmates', each in text order (only the first rows of it when
        loaded with builder_material's `menu`)."""
        if self.menu_sources is not None:
            return self.menu_sources
        own = [a for a in self.annotations if a.author_id == self.user_id]
        return own + [a for a in self.annotations if a.author_id != self.user_id]

    def citation_for(self, passage_id) -> str:
        """ "§2 ¶5", or a plain note when the paragraph was removed from the text (the
        annotation is orphaned, never dropped)."""
        if passage_id is None:
            return "no longer in the text"
        return self.citations.get(passage_id, "")

    def __post_init__(self):
        self._annotations = {a.pk: a for a in self.annotations}
        self._links = {link.pk: link for link in self.links}
        self._cells_by_pk = {cell.pk: cell for cell in self.cells.values()}

    def _from_annotation(self, annotation, *, relation=None, pair=None):
        return builder.Evidence(
            key=f"annotation:{annotation.pk}",
            subject_ids=tuple(s.pk for s in annotation.subject_list),
            dimension_id=annotation.dimension_id,
            quote=annotation.exact,
            note=annotation.body,
            citation=self.citation_for(annotation.passage_id),
            kind=annotation.kind,
            relation=relation,
            pair=pair,
            source="own" if annotation.author_id == self.user_id else "classmate",
            tags=self.tags.get(annotation.passage_id, ()),
        )


@dataclass(eq=False)
class Source:
    """An annotation as the builder offers it: what the tray, the evidence menus and the
    evidence snapshots read, without a model instance, because a class's worth of model
    instances costs more than the query (measured in docs/decisions.md, "Measurements behind
    the essays code")."""

    pk: int
    author_id: int
    author: "Author"
    kind: str
    exact: str
    body: str
    passage_id: int | None  # None once its paragraph was removed from the text
    dimension_id: int | None
    dimension: object = None  # the comparison's Dimension row
    subject_list: list = field(default_factory=list)
    # A private ("only me") note, which only its author is offered: used as evidence, its
    # words go into the outline, which the teacher reads.
    is_private: bool = False

    def get_kind_display(self) -> str:
        return Annotation.Kind(self.kind).label


@dataclass(frozen=True)
class Author:
    display_name: str


@dataclass(eq=False)
class Pair:
    """A comparison link between two Sources: a ready-made pair in the tray."""

    pk: int
    relation: str
    explanation: str
    dimension: object
    source: Source
    target: Source

    def get_relation_display(self) -> str:
        return Link.Relation(self.relation).label


def builder_material(assignment, user, *, keys=None, menu: int = 0) -> Material:
    """What this student may build from: the matrix, and the annotations they may see
    (hidden ones are gone for students), with comparison links between them.

    With `keys` (tray keys: "annotation:12", "link:3", "contrast:5"), only the annotations and
    links those keys name are loaded, under the same visibility: enough to turn those choices
    into a selection (a new outline, an outline's checks), not to offer the tray. With `menu`
    as well, the first `menu` of `Material.menu` too (the outline editor's "Add evidence"
    menus, `material_for`)."""
    text = reading_for(assignment.comparison)
    comparison, layout = text.comparison, text.layout
    is_teacher = permissions.is_teacher(user, assignment.classroom_id)
    dimensions = {row.dimension.pk: row.dimension for row in layout["matrix"]}
    class_links = Link.objects.filter(assignment=assignment)
    wanted = None
    if keys is not None:
        named = {kind: set() for kind in ("annotation", "link")}
        for key in keys:
            kind, _, raw = str(key).partition(":")
            pk = parse_id(raw)
            if kind in named and pk is not None:
                named[kind].add(pk)
        class_links = list(class_links.filter(pk__in=named["link"])) if named["link"] else []
        wanted = named["annotation"] | {
            pk for link in class_links for pk in (link.source_id, link.target_id)
        }
    rule = None
    if wanted is None or wanted or menu:
        rule = ViewerRule.for_viewer(user, assignment, is_teacher=is_teacher)
    authors = {}

    def sources(rows):
        return [
            Source(
                pk=pk,
                author_id=author_id,
                author=authors.setdefault(author_id, Author(display_name)),
                kind=kind,
                exact=exact,
                body=body,
                passage_id=passage_id,
                dimension_id=dimension_id,
                dimension=dimensions.get(dimension_id),
                is_private=visibility == Annotation.Visibility.PRIVATE,
            )
            for (
                pk,
                author_id,
                display_name,
                kind,
                exact,
                body,
                passage_id,
                dimension_id,
                visibility,
            ) in rows
        ]

    # The visibility rule's query, compiled once per shape (annotations.models.ViewerRule):
    # building and compiling it cost more than running it.
    annotations, menu_sources = [], None
    if wanted is None:
        annotations = sources(
            rule.rows(
                "builder:all",
                lambda visible: _usable(visible).order_by(*TEXT_ORDER).values_list(*SOURCE_FIELDS),
            )
        )
    else:
        if wanted:
            annotations = sources(
                rule.rows(
                    "builder:named",
                    lambda visible, ids: (
                        _usable(visible)
                        .filter(pk__in=ids)
                        .order_by(*TEXT_ORDER)
                        .values_list(*SOURCE_FIELDS)
                    ),
                    ids=sorted(wanted),
                )
            )
        if menu:
            # The LIMIT is written into the SQL, so it is part of the shape: rounded up to a
            # few sizes, so that outlines of every length share them, and cut here.
            limit = -(-int(menu) // MENU_STEP) * MENU_STEP
            menu_sources = sources(
                rule.rows(
                    f"builder:menu:{limit}",
                    lambda visible, me: (
                        _usable(visible)
                        .order_by(
                            Case(When(author_id=me, then=Value(0)), default=Value(1)),
                            *TEXT_ORDER,
                        )
                        .values_list(*SOURCE_FIELDS)[:limit]
                    ),
                    me=int(user.pk),
                )[:menu]
            )
            named_pks = {a.pk for a in annotations}
            annotations += [a for a in menu_sources if a.pk not in named_pks]
            # One Source per annotation: the menu's rows are the ones the material holds.
            by_pk = {a.pk: a for a in annotations}
            menu_sources = [by_pk[a.pk] for a in menu_sources]
    _attach_subjects(annotations, assignment, layout["subjects"], every=wanted is None)
    by_pk = {a.pk: a for a in annotations}
    # The class's links, kept when both ends are visible here: filtered in Python, because two
    # `__in` lists of every visible id make a query that costs more to parse than to run.
    links = [
        Pair(
            pk=link.pk,
            relation=link.relation,
            explanation=link.explanation,
            dimension=dimensions.get(link.dimension_id),
            source=by_pk[link.source_id],
            target=by_pk[link.target_id],
        )
        for link in class_links
        if link.source_id in by_pk and link.target_id in by_pk
    ]
    citations, tags, article = {}, {}, []
    for index, section in enumerate(layout["sections"], start=1):
        for passage in section.numbered_passages:
            citations[passage.pk] = f"§{index} ¶{passage.number}"
            # Prefetched with the layout (comparisons.models), so no query per passage.
            tags[passage.pk] = tuple(d.pk for d in passage.dimensions.all())
            article.append(passage.text)
    # The whole summary table counts as text that is not the student's, chosen or not.
    article += [cell.statement for row in layout["matrix"] for _, cell in row.cells if cell]
    cells = {
        (cell.dimension_id, cell.subject_id): cell
        for row in layout["matrix"]
        for _, cell in row.cells
        if cell is not None
    }
    return Material(
        comparison=comparison,
        layout=layout,
        subjects=layout["subjects"],
        dimensions=[row.dimension for row in layout["matrix"]],
        cells=cells,
        annotations=annotations,
        links=links,
        citations=citations,
        user_id=user.pk,
        question=assignment.essay_prompt,
        tags=tags,
        article=tuple(article),
        successive=comparison.successive,
        scaffolding=assignment.scaffolding,
        min_evidence=assignment.min_evidence,
        menu_sources=menu_sources,
    )


# An annotation's place in the text: the material's order.
TEXT_ORDER = ("passage__section__order", "passage__order", "start", "pk")

# The sizes the editor's menu query is compiled for (builder_material's `menu`).
MENU_STEP = 25

# What a Source is made from (builder_material).
SOURCE_FIELDS = (
    "pk",
    "author_id",
    "author__display_name",
    "kind",
    "exact",
    "body",
    "passage_id",
    "dimension_id",
    "visibility",
)


def _usable(visible):
    """Of the notes a viewer may see, those the builder offers: top-level, not deleted or
    hidden, with a quote."""
    return visible.filter(parent__isnull=True, is_deleted=False, start__isnull=False).exclude(
        is_hidden=True
    )


def _attach_subjects(annotations, assignment, subjects, *, every=True) -> None:
    """Set each annotation's `subject_list` (the comparison's Subject rows, in their order)
    from one query (none for no annotations). The builder reads them for every annotation; a
    `prefetch_related` manager per annotation costs more than the rest of the material
    together. `every`: the annotations are most of the assignment's, so the query asks for
    the whole assignment's rather than a list of ids."""
    by_pk = {a.pk: a for a in annotations}
    by_subject = {s.pk: s for s in subjects}
    for annotation in annotations:
        annotation.subject_list = []
    if not annotations:
        return
    through = Annotation.subjects.through.objects
    if every:
        through = through.filter(annotation__assignment_id=assignment.pk)
    else:
        through = through.filter(annotation_id__in=by_pk)
    pairs = through.values_list("annotation_id", "subject_id")
    for annotation_id, subject_id in pairs:
        if annotation_id in by_pk and subject_id in by_subject:
            by_pk[annotation_id].subject_list.append(by_subject[subject_id])
    for annotation in annotations:
        if len(annotation.subject_list) > 1:
            annotation.subject_list.sort(key=lambda subject: (subject.order, subject.pk))


def material_for(outline: Outline, *, menu: int = 0) -> Material:
    """The author's material for one outline (whoever is reading: what the author could
    choose from). Only what the outline's selection names, which is all its checks,
    regenerating and restructuring read; with `menu`, the first `menu` rows of
    `Material.menu` too, for the editor's "Add evidence" menus."""
    keys = (outline.selection or {}).get("evidence", [])
    return builder_material(outline.assignment, outline.author, keys=keys, menu=menu)


def make_selection(
    material: Material,
    *,
    dimension_ids,
    cell_ids,
    evidence_keys,
    structure,
    stance=None,
    judgements=(),
) -> builder.Selection:
    """Turn the builder form's choices into the builder's plain Selection. Unknown ids (a
    stale form, a hand-edited request) are ignored, never trusted."""
    chosen_dimensions = [d for d in material.dimensions if d.pk in set(dimension_ids)]
    chosen_cells = [
        cell
        for cell in material.cells.values()
        if cell.pk in set(cell_ids) or cell.dimension_id in set(dimension_ids)
    ]
    evidence, seen = [], set()
    for key in evidence_keys:
        for item in material.evidence_for(key):
            if item.key not in seen:
                seen.add(item.key)
                evidence.append(item)
    return builder.Selection(
        # The teacher's essay question, which the student answers; the comparison's own
        # question is only the article's title.
        question=material.question or material.comparison.question,
        subjects=tuple(builder.Subject(s.pk, s.name) for s in material.subjects),
        dimensions=tuple(builder.Dimension(d.pk, d.name) for d in chosen_dimensions),
        cells=tuple(builder.Cell(c.dimension_id, c.subject_id, c.statement) for c in chosen_cells),
        evidence=tuple(evidence),
        structure=structure if structure in builder.STRUCTURES else builder.STRUCTURES[0],
        stance=stance if stance in builder.STANCES else None,
        judgements=tuple(judgements),
        successive=material.successive,
        article=material.article,
        scaffolding=material.scaffolding,
        min_evidence=material.min_evidence,
    )


def selection_record(selection: builder.Selection, evidence_keys) -> dict:
    return {
        "dimensions": [d.id for d in selection.dimensions],
        "cells": sorted({c for c in _cell_ids(selection)}),
        "evidence": list(evidence_keys),
    }


def _cell_ids(selection):
    return [f"{c.dimension_id}:{c.subject_id}" for c in selection.cells]


def outline_build(
    *,
    material: Material,
    assignment,
    author,
    dimension_ids,
    cell_ids,
    evidence_keys,
    structure,
    stance=None,
) -> Outline:
    """The builder's one path from a student's choices to a saved outline: the selection,
    the pure builder, and the rows, with the choices recorded for later regeneration.

    The same choices again within DOUBLE_SUBMIT_SECONDS return the outline they made: a
    double click, or a browser resending the form on a fresh connection, makes one outline.
    A new outline counts against the outline limit (ratelimit.RateLimited past it)."""
    selection = make_selection(
        material,
        dimension_ids=dimension_ids,
        cell_ids=cell_ids,
        evidence_keys=evidence_keys,
        structure=structure,
        stance=stance,
    )
    record = selection_record(selection, evidence_keys)
    with transaction.atomic():
        # One build at a time per student and class (the second waits for the first to
        # commit, then finds its outline).
        Membership.objects.select_for_update().filter(
            classroom_id=assignment.classroom_id, user=author
        ).first()
        just_made = Outline.objects.filter(
            assignment=assignment,
            author=author,
            kind=Outline.Kind.OUTLINE,
            created_at__gte=timezone.now() - timedelta(seconds=DOUBLE_SUBMIT_SECONDS),
        ).order_by("-pk")
        for outline in just_made:
            if outline.selection == record:
                return outline
        ratelimit.check(author, "outline")  # a double submit above is not a new outline
        return outline_create(
            assignment=assignment,
            author=author,
            draft=builder.build(selection),
            selection_data=record,
        )


DOUBLE_SUBMIT_SECONDS = 10


@transaction.atomic
def outline_create(*, assignment, author, draft: builder.Outline, selection_data: dict) -> Outline:
    outline = Outline.objects.create(
        assignment=assignment,
        author=author,
        title=draft.title,
        structure=draft.structure,
        stance=draft.stance or "",
        thesis=draft.thesis,
        selection=selection_data,
        judgements=[judgement_record(j) for j in draft.judgements],
        scaffold=scaffold_record(draft),
    )
    sections_save(outline, draft, fresh=True)
    return outline


def sections_save(outline: Outline, draft: builder.Outline, *, fresh: bool = False) -> None:
    """Replace the outline's sections and evidence with the builder's.

    The builder's questions and frames become prompts and frames (help text beside the boxes,
    never the student's text); the student's own words, where the outline had them, are kept
    by section and evidence key, so restructuring or regenerating never loses what they
    wrote. Evidence keeps its link to the annotation only while that annotation exists; the
    snapshot stands on its own. `fresh`: the outline was just created, with no sections yet
    (nothing to keep or replace).
    """
    answers, claims, comments = {}, {}, {}
    if not fresh:
        current = list(outline.sections.all())
        answers = {s.key: s.reasoning for s in current if s.reasoning}
        claims = {s.key: s.claim for s in current if s.claim}
        comments = {
            e.key: e.commentary
            for e in Evidence.objects.filter(section__outline=outline).exclude(commentary="")
        }
        outline.sections.all().delete()
    sections = OutlineSection.objects.bulk_create(
        [
            OutlineSection(
                outline=outline,
                key=s.key,
                order=i,
                role=s.role,
                heading=s.heading[:200],
                claim=s.claim or claims.get(s.key, ""),
                reasoning=s.reasoning or answers.get(s.key, ""),
                reasoning_prompt=s.prompt[:500],
                frames=list(s.frames),
                transition=s.transition[:200],
                dimension_id=s.dimension_id,
                subject_id=s.subject_id,
            )
            for i, s in enumerate(draft.sections)
        ]
    )
    wanted = {_source_id(item.key, "annotation") for d in draft.sections for item in d.evidence}
    wanted_cells = {_source_id(item.key, "contrast") for d in draft.sections for item in d.evidence}
    existing = set(Annotation.objects.filter(pk__in=wanted - {None}).values_list("pk", flat=True))
    existing_cells = set(
        Contrast.objects.filter(pk__in=wanted_cells - {None}).values_list("pk", flat=True)
    )
    rows = []
    for section, drafted in zip(sections, draft.sections, strict=True):
        for order, item in enumerate(drafted.evidence):
            annotation_id = _source_id(item.key, "annotation")
            contrast_id = _source_id(item.key, "contrast")
            rows.append(
                evidence_snapshot(
                    section,
                    order,
                    item,
                    annotation_id=annotation_id if annotation_id in existing else None,
                    contrast_id=contrast_id if contrast_id in existing_cells else None,
                    commentary=item.reasoning or comments.get(item.key, ""),
                )
            )
    Evidence.objects.bulk_create(rows)


def evidence_snapshot(
    section: OutlineSection,
    order: int,
    item: builder.EvidenceItem,
    *,
    annotation_id: int | None,
    contrast_id: int | None,
    commentary: str = "",
) -> Evidence:
    """The one way a placed piece of evidence becomes a row: the quote, the student's note
    and the citation copied in (so later edits or deletion of the note never break the
    outline), the relation only as the student or a comparison link set it, where it came
    from (own, classmate, table), and the builder's question kept beside the reasoning box."""
    return Evidence(
        section=section,
        order=order,
        key=item.key,
        annotation_id=annotation_id,
        contrast_id=contrast_id,
        subject_id=item.subject_id,
        quote=item.quote,
        note=item.note,
        citation=item.citation[:60],
        relation=item.relation,
        source=item.source,
        form=item.form,
        commentary=commentary,
        prompt=item.prompt[:300],
    )


def evidence_add(*, outline: Outline, section: OutlineSection, key: str) -> Evidence:
    """Add one piece of the author's material to a section, placed as the builder places it
    (form, subject, the question beside its reasoning box; a relation only from a comparison
    link), at the section's end."""
    named = [*(outline.selection or {}).get("evidence", []), key]
    material = builder_material(outline.assignment, outline.author, keys=named)
    items = material.evidence_for(key)
    if not items:
        raise NotAllowed("That evidence is not yours to use here.", field="key")
    selection = dataclasses.replace(selection_for(outline, material), evidence=(items[0],))
    placed = next(
        (
            item
            for drafted in builder.build(selection).sections
            for item in drafted.evidence
            if item.key == items[0].key
        ),
        None,
    )
    if placed is None:  # the builder found no place for it: keep the note as it stands
        evidence = items[0]
        placed = builder.EvidenceItem(
            key=evidence.key,
            subject_id=evidence.subject_ids[0] if evidence.subject_ids else None,
            quote=evidence.quote,
            note=evidence.note,
            citation=evidence.citation,
            # A link's relation comes with it; otherwise the student chooses it on the card.
            relation=evidence.relation,
            form="quote" if evidence.quote else "paraphrase",
            source=evidence.source,
            prompt=builder.REASONING_FRAME,
        )
    row = evidence_snapshot(
        section,
        section.evidence.count(),
        placed,
        annotation_id=_source_id(placed.key, "annotation"),
        contrast_id=_source_id(placed.key, "contrast"),
    )
    row.save()
    return row


def _source_id(key: str, kind: str) -> int | None:
    prefix, _, raw = key.partition(":")
    return parse_id(raw) if prefix == kind else None


def as_draft(outline: Outline) -> builder.Outline:
    """The saved outline (with the student's edits) as the builder's plain data, for checks,
    restructuring and regenerating a section."""
    return builder.Outline(
        title=outline.title,
        thesis=outline.thesis,
        structure=outline.structure,
        stance=outline.stance or None,
        question=(outline.scaffold or {}).get("question", ""),
        judgements=judgements_of(outline),
        thesis_frames=list((outline.scaffold or {}).get("thesis_frames", [])),
        thesis_prompts=list((outline.scaffold or {}).get("thesis_prompts", [])),
        sections=[
            builder.Section(
                key=s.key,
                role=s.role,
                heading=s.heading,
                claim=s.claim,
                reasoning=s.reasoning,
                prompt=s.reasoning_prompt,
                frames=list(s.frames or []),
                transition=s.transition,
                dimension_id=s.dimension_id,
                subject_id=s.subject_id,
                evidence=[
                    builder.EvidenceItem(
                        key=e.key,
                        subject_id=e.subject_id,
                        quote=e.quote,
                        note=e.note,
                        citation=e.citation,
                        relation=e.relation,
                        form=e.form,
                        source=e.source,
                        reasoning=e.commentary,
                        prompt=e.prompt,
                    )
                    for e in s.evidence.all()
                ],
            )
            for s in outline.sections.all()
        ],
        checks=[],
    )


def selection_for(outline: Outline, material: Material, *, structure=None) -> builder.Selection:
    """Rebuild the builder Selection an outline was made from (for checks and regenerating)."""
    record = outline.selection or {}
    cell_pairs = {tuple(int(x) for x in pair.split(":")) for pair in record.get("cells", [])}
    cell_ids = [c.pk for key, c in material.cells.items() if key in cell_pairs]
    selection = make_selection(
        material,
        dimension_ids=record.get("dimensions", []),
        cell_ids=cell_ids,
        evidence_keys=record.get("evidence", []),
        structure=structure or outline.structure,
        stance=outline.stance or None,
        judgements=judgements_of(outline),
    )
    # Evidence whose annotation was since hidden or deleted is no longer in the material,
    # but the outline keeps its snapshot: include it, so restructuring or regenerating a
    # section never drops it.
    known = {item.key for item in selection.evidence}
    kept = [
        builder.Evidence(
            key=e.key,
            subject_ids=(e.subject_id,) if e.subject_id else (),
            dimension_id=section.dimension_id,
            quote=e.quote,
            note=e.note,
            citation=e.citation,
            relation=e.relation,
            form=e.form,
            source=e.source,
        )
        for section in outline.sections.all()
        for e in section.evidence.all()
        if e.key not in known
    ]
    if not kept:
        return selection
    return dataclasses.replace(selection, evidence=selection.evidence + tuple(kept))


@transaction.atomic
def draft_create(*, outline: Outline, author) -> Outline:
    """Start an essay draft from an outline: the same sections and evidence, each section a
    paragraph box to write in. The draft is an Outline row of kind "draft", so it is
    submitted, reviewed and graded like an outline. Counts against the outline limit
    (ratelimit.RateLimited past it)."""
    if outline.kind != Outline.Kind.OUTLINE:
        raise NotAllowed("A draft is written from an outline.", field="outline")
    ratelimit.check(author, "outline")
    draft = Outline.objects.create(
        assignment=outline.assignment,
        author=author,
        kind=Outline.Kind.DRAFT,
        source=outline,
        title=outline.title,
        structure=outline.structure,
        stance=outline.stance,
        thesis=outline.thesis,
        selection=outline.selection,
        judgements=outline.judgements,
        scaffold=outline.scaffold,
    )
    for section in outline.sections.all():
        evidence = list(section.evidence.all())
        section.pk, section.outline = None, draft
        section.save()
        for item in evidence:
            item.pk, item.section = None, section
        Evidence.objects.bulk_create(evidence)
    return draft


def paragraphs_of(draft: Outline) -> list[Paragraph]:
    comparative = {"synthesis"} | ({"body"} if draft.structure == "point_by_point" else set())
    return [
        Paragraph(
            key=s.key,
            role=s.role,
            heading=s.heading,
            text=s.paragraph,
            comparative=s.role in comparative,
        )
        for s in draft.sections.all()
    ]


def draft_checks(draft: Outline) -> list[DraftCheck]:
    subjects = [s.name for s in draft.assignment.comparison.subjects.all()]
    return check(paragraphs_of(draft), thesis=draft.thesis, subjects=subjects)


def open_checks(outline: Outline) -> list[str]:
    """What is still open before handing in: the messages of the checks that fail, the same
    checks the outline editor or the draft page shows. The one rule the submit step asks
    (`essays.views.outline_submit`); the student may submit anyway after seeing them.
    `outline` comes from `Outline.objects.for_editor()`."""
    if outline.kind == Outline.Kind.DRAFT:
        checks = draft_checks(outline)
    else:
        checks = builder.check(as_draft(outline), selection_for(outline, material_for(outline)))
    # A draft's checks have no levels: each open one counts, as before.
    return [c.message for c in checks if not c.ok and getattr(c, "level", "problem") == "problem"]


# --- edits, the same on the page and in the API ---------------------------------------


@transaction.atomic
def outline_edit(
    *,
    outline: Outline,
    version: int | None,
    title: str | None = None,
    thesis: str | None = None,
    judgements: list[dict] | None = None,
    sections: list[dict] = (),
    evidence: list[dict] = (),
) -> Outline:
    """The student's edits, made on the `version` they loaded: refused while the outline is
    with the teacher (NotAllowed), or if someone saved since (VersionConflict). Judgements are
    checked by `judgements_clean` (NotAllowed, field "judgements"). Sections and evidence rows
    name their `id` and the fields to change. All or nothing. `outline` comes from
    `for_editor()`."""
    outline.ensure_editable()
    by_id = {s.pk: s for s in outline.sections.all()}
    items = {e.pk: e for s in by_id.values() for e in s.evidence.all()}
    for rows, known, what in ((sections, by_id, "Section"), (evidence, items, "Evidence")):
        for row in rows:
            if row["id"] not in known:
                raise NotAllowed(f"{what} {row['id']} is not part of this outline.")
    if judgements is not None:
        judgements = judgements_clean(outline, judgements)
    values = {"title": title, "thesis": thesis, "judgements": judgements}
    changes = {name: value for name, value in values.items() if value is not None}
    if thesis is not None:  # examples "after a first attempt" open now
        changes["scaffold"] = thesis_attempted(outline, thesis)
    outline.claim_version(version, **changes)  # one UPDATE: the version and these fields
    for model, rows, objects in (
        (OutlineSection, sections, by_id),
        (Evidence, evidence, items),
    ):
        changed, fields = [], set()
        for row in rows:
            obj = objects[row["id"]]
            for name, value in row.items():
                if name != "id":
                    setattr(obj, name, value)
                    fields.add(name)
            changed.append(obj)
        if fields:
            model.objects.bulk_update(changed, sorted(fields))
    return outline


@transaction.atomic
def draft_edit(
    *, draft: Outline, version: int | None, title: str | None = None, paragraphs: list[dict] = ()
) -> Outline:
    """A draft's paragraphs (`id`, `text`) and title, made on `version`: refused while it is
    with the teacher or if someone saved since. All or nothing."""
    draft.ensure_editable()
    sections = {s.pk: s for s in draft.sections.all()}
    for row in paragraphs:
        if row["id"] not in sections:
            raise NotAllowed(f"Paragraph {row['id']} is not in this draft.", field="paragraphs")
    draft.claim_version(version, **({"title": title} if title is not None else {}))
    changed = []
    for row in paragraphs:
        section = sections[row["id"]]
        section.paragraph = row["text"].replace("\x00", "")
        changed.append(section)
    if changed:
        OutlineSection.objects.bulk_update(changed, ["paragraph"])
    return draft


# --- the student's judgements, the scaffold and the example -----------------------------


def judgement_record(judgement: builder.Judgement) -> dict:
    """A judgement as stored in `Outline.judgements` and shown by the API."""
    return {
        "dimension": judgement.dimension_id,
        "kind": judgement.kind,
        "sentence": judgement.sentence,
        "most_significant": judgement.most_significant,
        "why": judgement.why,
    }


def judgements_of(outline: Outline) -> list[builder.Judgement]:
    """The outline's stored judgements as the builder's plain data (rows it cannot read, from
    an older shape, are skipped rather than trusted)."""
    judgements = []
    for row in outline.judgements or []:
        if not isinstance(row, dict) or parse_id(str(row.get("dimension", ""))) is None:
            continue
        kind = row.get("kind")
        judgements.append(
            builder.Judgement(
                dimension_id=int(row["dimension"]),
                kind=kind if kind in builder.KINDS else None,
                sentence=str(row.get("sentence") or ""),
                most_significant=bool(row.get("most_significant")),
                why=str(row.get("why") or ""),
            )
        )
    return judgements


def scaffold_record(draft: builder.Outline) -> dict:
    """What the builder offers above and beside the thesis box, kept with the outline."""
    return {
        "question": draft.question,
        "thesis_frames": list(draft.thesis_frames),
        "thesis_prompts": list(draft.thesis_prompts),
        "attempted": bool(draft.thesis.strip()),
    }


JUDGEMENT_SENTENCE_MAX = 600


def judgements_clean(outline: Outline, rows: list[dict]) -> list[dict]:
    """The judgements a student sent, checked against the outline: one per chosen dimension
    at most, a known kind ("changed"/"continued" only for successive subjects), at most one
    most significant. Dimensions the outline did not choose are refused, naming them. Raises
    NotAllowed (field "judgements") with a message for the student."""
    chosen = set((outline.selection or {}).get("dimensions", []))
    successive = outline.assignment.comparison.successive
    cleaned, seen = [], set()
    for row in rows:
        dimension = row["dimension"]
        if dimension not in chosen:
            raise NotAllowed(
                f"Dimension {dimension} is not one of this outline's areas.", field="judgements"
            )
        if dimension in seen:
            raise NotAllowed(f"Dimension {dimension} is judged twice.", field="judgements")
        seen.add(dimension)
        kind = row.get("kind")
        if kind in builder.SUCCESSIVE_KINDS and not successive:
            raise NotAllowed(
                "“Changed” and “continued” fit only subjects that followed one another; "
                "choose kind, degree or alike.",
                field="judgements",
            )
        cleaned.append(
            {
                "dimension": dimension,
                "kind": kind,
                "sentence": row.get("sentence", "")[:JUDGEMENT_SENTENCE_MAX],
                "most_significant": bool(row.get("most_significant", False)),
                "why": row.get("why", "")[:JUDGEMENT_SENTENCE_MAX],
            }
        )
    if sum(row["most_significant"] for row in cleaned) > 1:
        raise NotAllowed("Pick one area as the one that matters most.", field="judgements")
    return cleaned


def thesis_attempted(outline: Outline, thesis: str) -> dict:
    """The outline's scaffold once `thesis` is saved: it remembers that the student has
    written a thesis of their own at least once (examples "after a first attempt" open then
    and stay open). The caller saves it."""
    scaffold = outline.scaffold or {}
    return {**scaffold, "attempted": True} if thesis.strip() else scaffold


def example_for(outline: Outline) -> str:
    """An example thesis made of the student's own judgement sentences, when the teacher
    allows it. Raises Forbidden when the assignment shows no examples, or (for "after a first
    attempt") before the student has written a thesis of their own; NotAllowed when there are
    no judgement sentences yet to make one from."""
    setting = outline.assignment.examples
    Examples = type(outline.assignment).Examples
    if setting == Examples.OFF:
        raise Forbidden("Your teacher has chosen not to show example theses for this assignment.")
    attempted = bool((outline.scaffold or {}).get("attempted")) or bool(outline.thesis.strip())
    if setting == Examples.AFTER_FIRST_ATTEMPT and not attempted:
        raise Forbidden("Write your own thesis first; then you can compare it with an example.")
    dimensions = [
        builder.Dimension(d.pk, d.name)
        for d in outline.assignment.comparison.dimensions.all()
        if d.pk in set((outline.selection or {}).get("dimensions", []))
    ]
    example = builder.example_thesis(judgements_of(outline), dimensions)
    if not example:
        raise NotAllowed(
            "Write a sentence for at least one of your judgements first: the example is made "
            "from them."
        )
    return example


def judgement_update(outline: Outline, *, field: str, value: str) -> list[dict]:
    """One judgement field saved from the editor page, as the judgements it leaves: field
    "judgement-<dimension id>-kind" or "-sentence", "judgement-most" (a dimension id) or
    "judgement-why". The "why" belongs to the dimension that matters most; before the student
    picks one it rides on every row, so it follows whichever they pick. Raises NotAllowed
    (checked by `judgements_clean`) with a message for the student; the caller saves."""
    chosen = list((outline.selection or {}).get("dimensions", []))
    rows = {
        row["dimension"]: dict(row) for row in judgements_clean(outline, outline.judgements or [])
    }
    for dimension in chosen:  # a row for every chosen dimension, even if never judged
        rows.setdefault(
            dimension,
            {
                "dimension": dimension,
                "kind": None,
                "sentence": "",
                "most_significant": False,
                "why": "",
            },
        )
    _, _, rest = field.partition("-")
    if rest in ("most", "why"):
        if rest == "most":
            dimension = parse_id(value)
            if dimension not in rows:
                raise NotAllowed("Choose one of your areas.", field="judgements")
            why = next((r["why"] for r in rows.values() if r["why"].strip()), "")
            for row in rows.values():
                row["most_significant"] = row["dimension"] == dimension
                row["why"] = why if row["most_significant"] else ""
        else:
            lead = [r for r in rows.values() if r["most_significant"]] or list(rows.values())
            for row in lead:
                row["why"] = value
    else:
        raw_id, _, name = rest.partition("-")
        dimension = parse_id(raw_id)
        if dimension not in rows or name not in ("kind", "sentence"):
            raise NotAllowed("Unknown field.", field="judgements")
        if name == "kind" and value not in ("", *builder.KINDS):
            raise NotAllowed("Choose one of the options.", field="judgements")
        rows[dimension][name] = (value or None) if name == "kind" else value
    ordered = [rows[d] for d in chosen if d in rows]
    return judgements_clean(outline, ordered)


def judgements_complete(outline: Outline) -> bool:
    """Every chosen dimension has a kind and a sentence, and one is picked as mattering most
    (with why): the thesis step opens then. An outline from before judgements existed (none
    chosen) or with a thesis already written is never held back."""
    chosen = set((outline.selection or {}).get("dimensions", []))
    if not chosen or outline.thesis.strip():
        return True
    rows = {r.get("dimension"): r for r in outline.judgements or [] if isinstance(r, dict)}
    judged = all(
        rows.get(d, {}).get("kind") and str(rows.get(d, {}).get("sentence", "")).strip()
        for d in chosen
    )
    lead = [r for r in rows.values() if r.get("most_significant")]
    return judged and bool(lead) and bool(str(lead[0].get("why", "")).strip())


def judgements_apply(outline: Outline) -> None:
    """Lay the outline's sections out again from the student's judgements (order, which
    dimensions concede into the counterargument, transitions), keeping everything they wrote:
    claims, reasoning and card reasoning by key (`sections_save`), and each relation they
    chose. `outline` comes from `for_editor()`."""
    selection = selection_for(outline, material_for(outline))
    chosen = {e.key: e.relation for s in outline.sections.all() for e in s.evidence.all()}
    # Only the evidence the outline holds now: what the student removed stays removed.
    selection = dataclasses.replace(
        selection, evidence=tuple(e for e in selection.evidence if e.key in chosen)
    )
    draft = builder.build(selection)
    for section in draft.sections:
        for item in section.evidence:
            if item.relation is None and chosen.get(item.key):
                item.relation = chosen[item.key]
    sections_save(outline, draft)
