"""Sections and their order, and where each piece of evidence goes."""

from __future__ import annotations

import copy
from dataclasses import replace

from essays.builder.checks import check
from essays.builder.context import Context
from essays.builder.frames import RELATIONAL_BANK, TRANSITIONS, thesis_for
from essays.builder.text import capital, items_by_key, join, join_clauses, possessive, prose, tidy
from essays.builder.types import (
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

# Entry points


def build(selection: Selection) -> Outline:
    """The outline for a selection, with its checks."""
    context = Context(selection)
    items = context.items({})
    thesis = thesis_for(context)
    outline = Outline(
        title=_title(context),
        thesis=thesis,
        structure=selection.structure,
        stance=selection.stance,
        sections=_sections(context, items, thesis),
    )
    outline.checks = check(outline, selection)
    return outline


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
    context = Context(replace(selection, structure=outline.structure, stance=outline.stance))
    items = context.items(items_by_key(outline))
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


# Sections


def _sections(context: Context, items: dict[str, EvidenceItem], thesis: str) -> list[Section]:
    conceding = [item for item in items.values() if context.concedes(item)]
    arguing = [item for item in items.values() if not context.concedes(item)]
    return [
        _introduction(context, thesis),
        *_bodies(context, arguing),
        _counterargument(context, conceding),
        _conclusion(context),
    ]


def _title(context: Context) -> str:
    return context.question or f"{context.names} compared"


def _introduction(context: Context, thesis: str) -> Section:
    setting = f"it helps to set {context.names} side by side."
    if context.question:
        setting = f"To answer the question “{context.question}”, {setting}"
    claim = capital(setting) + (f" {thesis}" if thesis.strip() else "")
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


def _bodies(context: Context, items: list[EvidenceItem]) -> list[Section]:
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


def _dimension_section(context: Context, dimension: Dimension, position: int) -> Section:
    area = prose(dimension.name)
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
            f"On {area}, {clauses[0]}, whereas {join_clauses(clauses[1:])}."
            if has_cells and len(clauses) > 1
            else f"On {area}, {context.names} {tense.differed} clearly."
        )
        reasoning = (
            f"Why does this difference between {context.names} in {area} matter for {asked}?"
        )
    elif context.stance == "similarities":
        claim = f"On {area}, {context.names} {tense.were} closer than they first appear"
        claim += f": {join_clauses(clauses)}." if has_cells else "."
        reasoning = (
            f"Why does it matter for {asked} that {context.names} {tense.were} alike in {area}?"
        )
    else:
        claim = (
            f"On {area}, the gap between {context.names} {tense.was} one of degree: "
            f"{clauses[0]}, while {join_clauses(clauses[1:])}."
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
        claim=capital(claim),
        reasoning=tidy(reasoning),
        transition=bank[position % len(bank)],
        dimension_id=dimension.id,
        subject_id=None,
    )


def _subject_section(context: Context, subject: Subject, position: int) -> Section:
    clauses = [
        context.clause(subject, d, context.cells[(d.id, subject.id)])
        for d in context.dimensions
        if (d.id, subject.id) in context.cells
    ]
    others = join([s.name for s in context.subjects if s.id != subject.id]) or "the others"
    areas = context.areas() or "each area"
    if clauses:
        claim = join_clauses(clauses, separator="; ") + "."
    elif position == 0:
        claim = f"{possessive(subject.name)} approach to {areas} sets the baseline."
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
            f"What runs through {possessive(subject.name)} approach to {areas}? "
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
        claim=capital(claim),
        reasoning=tidy(reasoning),
        transition=transition,
        dimension_id=None,
        subject_id=subject.id,
    )


def _synthesis(context: Context) -> Section:
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
    turns = ", then ".join(prose(d.name) for d in context.dimensions) or "each area"
    reasoning = (
        f"Take each area in turn ({turns}): say in one sentence how {context.names} compare, "
        f"then why {why} matters for {context.asked()}."
    )
    return Section(
        key=SYNTHESIS,
        role="synthesis",
        heading="Side by side",
        claim=claim,
        reasoning=tidy(reasoning),
        transition=context.pick(TRANSITIONS[RELATIONAL_BANK[context.stance]], salt=3),
        dimension_id=None,
        subject_id=None,
    )


def _fallback_body(context: Context) -> Section:
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


def _counterargument(context: Context, items: list[EvidenceItem]) -> Section:
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
        claim=capital(claim),
        reasoning=reasoning,
        transition=context.pick(TRANSITIONS["concession"], salt=1),
        dimension_id=None,
        subject_id=None,
        evidence=context.in_pair_order(items),
    )


def _conclusion(context: Context) -> Section:
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
