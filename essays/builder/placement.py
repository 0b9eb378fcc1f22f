"""The outline's skeleton: its sections and their order, and where each piece of evidence goes.

Every box the student writes in (thesis, topic sentences, reasoning, each card's reasoning)
starts "". The sections, their order and the counterargument come from the student's
judgements (`Selection.judgements`):

- The outline argues difference unless most judged dimensions are "alike"/"continued" (or,
  with no judgement yet, the student's optional overall view says similarities).
- Point-by-point: one body section per chosen dimension, the most significant first, then
  the rest in the student's order. A dimension judged the other way from the argument (alike,
  when arguing difference) is not a body section: its evidence goes to the counterargument,
  where the student concedes it and answers it. If that would leave no body section at all,
  it stays in the body.
- Subject-by-subject: one block per subject, evidence in dimension order (no dimension last).
- Block + synthesis: the same blocks, then a synthesis holding linked pairs.
- The counterargument holds the conceding dimensions' evidence and any evidence the student
  (or a link's author) marked as showing the other side; it is a prompt when empty.
- A "Going further" section offers the complexity the AP rubric rewards (causation, a
  similarity inside a difference, degree, change and continuity) as prompts.

Evidence with no chosen dimension goes to the dimension whose name and cells share most
words with its quote and note, failing that to the last body section. Within a section,
evidence follows the subject order, then the order it was given.
"""

from __future__ import annotations

import copy
from dataclasses import replace

from essays.builder.checks import check, checks_in
from essays.builder.context import Context
from essays.builder.frames import (
    KIND_RELATION,
    complexity_prompts,
    section_frames,
    thesis_frames,
    thesis_prompts,
    transition_for,
)
from essays.builder.text import items_by_key, join, possessive, prose
from essays.builder.types import (
    COMPLEXITY,
    CONCLUSION,
    COUNTERARGUMENT,
    FALLBACK_BODY,
    FRAME_KEYS,
    INTRODUCTION,
    STRUCTURES,
    SYNTHESIS,
    Dimension,
    EvidenceItem,
    Outline,
    Section,
    Selection,
    Subject,
)


def build(selection: Selection) -> Outline:
    """The outline skeleton for a selection, with its checks. No prose is written for the
    student: the thesis and every claim and reasoning are ""."""
    context = Context(selection)
    items = context.items({})
    outline = Outline(
        title=_title(context),
        thesis="",
        structure=selection.structure,
        stance=selection.stance,
        sections=_sections(context, items),
        question=context.question,
        judgements=list(context.judgements.values()),
    )
    _offer_thesis_frames(outline, context)
    # Made from this context, the outline has its structure, stance and judgements: the
    # checks read the same context rather than making another.
    outline.checks = checks_in(outline, context)
    return outline


def restructure(outline: Outline, selection: Selection, structure: str) -> Outline:
    """The outline in another structure, keeping what the student wrote.

    Kept as they are: the title, the thesis, the judgements, and the introduction,
    counterargument, "going further" and conclusion sections (with the evidence in them).
    Body sections are rebuilt for the new structure; one whose key exists in both keeps its
    heading, claim and reasoning. Evidence keeps its reasoning, relation and form by key.
    Switching to the structure the outline already has changes nothing.
    """
    if structure not in STRUCTURES:
        raise ValueError(f"Unknown structure {structure!r}; expected one of {STRUCTURES}.")
    if structure == outline.structure:
        result = copy.deepcopy(outline)
        result.checks = check(result, selection)
        return result

    context = Context(replace(selection, structure=structure, stance=outline.stance))
    items = context.items(items_by_key(outline))
    placed_before = set(items_by_key(outline))

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

    # Every section is new or a copy already: the outline around them needs no deep copy.
    result = replace(
        outline,
        structure=structure,
        sections=[
            kept.get(INTRODUCTION) or _introduction(context),
            *bodies,
            counterargument,
            kept.get(COMPLEXITY) or _complexity(context),
            kept.get(CONCLUSION) or _conclusion(context),
        ],
        judgements=list(outline.judgements),
        thesis_frames=list(outline.thesis_frames),
        thesis_prompts=list(outline.thesis_prompts),
        checks=[],
    )
    result.checks = check(result, selection)
    return result


def regenerate_section(outline: Outline, selection: Selection, section_key: str) -> Outline:
    """The outline with one section's scaffolding and evidence rebuilt from the selection.

    The section gets fresh heading, prompt, frames and transition; the student's claim and
    reasoning stay. Its evidence is what `build` would put there, less anything the student
    has placed in another section, plus whatever the student had put in it; evidence keeps its
    reasoning, relation and form. A section the outline lacks but the structure has (a deleted
    counterargument, say) is put back in its place. Raises KeyError for a key the structure
    does not have.
    """
    context = Context(replace(selection, structure=outline.structure, stance=outline.stance))
    items = context.items(items_by_key(outline))
    fresh = _sections(context, items)
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
        section.claim, section.reasoning = current.claim, current.reasoning
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


def _offer_thesis_frames(outline: Outline, context: Context) -> None:
    outline.thesis_frames = thesis_frames(
        [s.name for s in context.subjects],
        context.question,
        successive=context.selection.successive,
        scaffolding=context.selection.scaffolding,
    )
    outline.thesis_prompts = thesis_prompts()


# Sections


def _sections(context: Context, items: dict[str, EvidenceItem]) -> list[Section]:
    conceding = [item for item in items.values() if context.concedes(item)]
    arguing = [item for item in items.values() if not context.concedes(item)]
    if context.structure == "point_by_point" and not _body_dimensions(context):
        # Every dimension was judged the other way: they are the argument after all.
        conceding, arguing = [], list(items.values())
    return [
        _introduction(context),
        *_bodies(context, arguing),
        _counterargument(context, conceding),
        _complexity(context),
        _conclusion(context),
    ]


def _title(context: Context) -> str:
    return context.question or f"{context.names} compared"


def _names(context: Context) -> list[str]:
    return [s.name for s in context.subjects]


def _frames(context: Context, role: str, dimension=None, kind=None) -> list[str]:
    return section_frames(
        role, _names(context), dimension, kind, scaffolding=context.selection.scaffolding
    )


def _introduction(context: Context) -> Section:
    return Section(
        key=INTRODUCTION,
        role="introduction",
        heading="Introduction",
        claim="",
        reasoning="",
        transition="",
        dimension_id=None,
        subject_id=None,
        prompt=(
            "Give the background a reader needs (who, when and where), then end with your thesis."
        ),
        frames=_frames(context, "introduction"),
    )


def _body_dimensions(context: Context) -> list[Dimension]:
    """The dimensions that argue, the most significant first."""
    arguing = [d for d in context.dimensions if not context.concedes_dimension(d.id)]
    lead = context.most_significant
    if lead in arguing:
        arguing.remove(lead)
        arguing.insert(0, lead)
    return arguing


def _bodies(context: Context, items: list[EvidenceItem]) -> list[Section]:
    if context.structure == "point_by_point":
        dimensions = _body_dimensions(context) or list(context.dimensions)
        sections = [_dimension_section(context, d) for d in dimensions]
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


def _dimension_section(context: Context, dimension: Dimension) -> Section:
    area = prose(dimension.name)
    kind = context.kind_of(dimension.id)
    asked = f"“{context.question}”" if context.question else "the question"
    prompts = {
        "kind": f"Why does this difference in {area} matter for {asked}?",
        "degree": f"How big is the gap in {area}, and why does its size matter for {asked}?",
        "alike": f"Why does it matter for {asked} that they were alike in {area}?",
        "changed": f"What changed in {area}, and why did it change?",
        "continued": f"What stayed the same in {area}, and why did it last?",
    }
    return Section(
        key=f"body:dimension:{dimension.id}",
        role="body",
        heading=dimension.name,
        claim="",
        reasoning="",
        transition=transition_for(KIND_RELATION.get(kind)) if kind else "",
        dimension_id=dimension.id,
        subject_id=None,
        prompt=prompts.get(
            kind, f"First judge how {context.names} compare on {area}, then say why it matters."
        ),
        frames=_frames(context, "body", dimension, kind),
    )


def _subject_section(context: Context, subject: Subject, position: int) -> Section:
    others = join([s.name for s in context.subjects if s.id != subject.id]) or "the others"
    if position == 0:
        prompt = (
            f"What runs through {possessive(subject.name)} approach? Note the points you will "
            f"set against {others}."
        )
        transition = ""
    else:
        first = context.subjects[0].name
        prompt = f"Set each point against {first}: what is different, what is alike, and why?"
        transition = transition_for("similarity" if context.argues_likeness else "difference")
    return Section(
        key=f"body:subject:{subject.id}",
        role="body",
        heading=subject.name,
        claim="",
        reasoning="",
        transition=transition,
        dimension_id=None,
        subject_id=subject.id,
        prompt=prompt,
        frames=_frames(context, "body"),
    )


def _synthesis(context: Context) -> Section:
    turns = ", then ".join(prose(d.name) for d in context.dimensions) or "each area"
    return Section(
        key=SYNTHESIS,
        role="synthesis",
        heading="Side by side",
        claim="",
        reasoning="",
        transition="",
        dimension_id=None,
        subject_id=None,
        prompt=f"Take each area in turn ({turns}): how do {context.names} compare, and why?",
        frames=_frames(context, "synthesis"),
    )


def _fallback_body(context: Context) -> Section:
    missing = "areas" if context.structure == "point_by_point" else "subjects"
    return Section(
        key=FALLBACK_BODY,
        role="body",
        heading="Your evidence",
        claim="",
        reasoning="",
        transition="",
        dimension_id=None,
        subject_id=None,
        prompt=f"Choose the {missing} you want to compare to turn this evidence into sections.",
        frames=_frames(context, "body"),
    )


def _counterargument(context: Context, items: list[EvidenceItem]) -> Section:
    conceded = [d for d in context.dimensions if context.concedes_dimension(d.id)]
    side = "different" if context.argues_likeness else "alike"
    if conceded:
        areas = join([prose(d.name) for d in conceded])
        prompt = (
            f"You judged them {side} on {areas}. Say so fairly, then explain why it does not "
            "overturn your answer (your rebuttal)."
        )
    else:
        prompt = (
            f"Where were {context.names} {side}? Name it fairly, then explain why it does not "
            "overturn your answer (your rebuttal)."
        )
    return Section(
        key=COUNTERARGUMENT,
        role="counterargument",
        heading="Counterargument",
        claim="",
        reasoning="",
        transition=TRANSITIONS_CONCESSION,
        dimension_id=None,
        subject_id=None,
        evidence=context.in_pair_order(items),
        prompt=prompt,
        frames=_frames(context, "counterargument"),
    )


TRANSITIONS_CONCESSION = "Admittedly,"


def _complexity(context: Context) -> Section:
    kinds = [context.kind_of(d.id) for d in context.dimensions]
    similarity_inside = any(
        evidence.relation == "similarity"
        and context.dimension_of(evidence.key) is not None
        and not context.concedes_dimension(evidence.dimension_id)
        for evidence in context.selection.evidence
    )
    prompts = complexity_prompts(
        kinds, successive=context.selection.successive, similarity_inside=similarity_inside
    )
    return Section(
        key=COMPLEXITY,
        role="complexity",
        heading="Going further",
        claim="",
        reasoning="",
        transition="",
        dimension_id=None,
        subject_id=None,
        prompt=" ".join(prompts),
        frames=_frames(context, "complexity"),
    )


def _conclusion(context: Context) -> Section:
    question = f"“{context.question}”" if context.question else "the question"
    return Section(
        key=CONCLUSION,
        role="conclusion",
        heading="Conclusion",
        claim="",
        reasoning="",
        transition="",
        dimension_id=None,
        subject_id=None,
        prompt=(
            f"Answer {question} again in new words, then say what the comparison shows beyond "
            f"{context.names}."
        ),
        frames=_frames(context, "conclusion"),
    )
