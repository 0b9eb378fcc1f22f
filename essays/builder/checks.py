"""The checks an outline gets, edits included."""

from __future__ import annotations

import re
from dataclasses import replace

from essays.builder.context import Context
from essays.builder.text import asks, join, mentions, mentions_area, number, prose
from essays.builder.types import COUNTERARGUMENT, NAMED_DIMENSIONS, Check, Outline, Selection


def check(outline: Outline, selection: Selection) -> list[Check]:
    """The checks for an outline as it stands, edits included.

    The outline's structure decides what a dimension's evidence is (its section in
    point-by-point, the evidence's own dimension otherwise); the selection says what was chosen
    and what each evidence key is.
    """
    context = Context(replace(selection, structure=outline.structure, stance=outline.stance))
    return [
        *_thesis_checks(outline.thesis, context),
        *_dimension_checks(outline, context),
        *_section_checks(outline),
        _stance_check(outline),
        *_question_checks(outline, context),
        _quote_check(outline),
    ]


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


def _thesis_checks(thesis: str, context: Context) -> list[Check]:
    text = " ".join(thesis.split())
    checks = []

    missing = [s.name for s in context.subjects if not mentions(text, s.name)]
    if len(context.subjects) < 2:
        message = "Choose at least two subjects to compare, and name them here."
    elif missing:
        message = f"Name {join(missing)} in your thesis, so the reader knows who you compare."
    else:
        message = f"Your thesis names {context.names}."
    checks.append(
        Check("thesis_names_subjects", len(context.subjects) > 1 and not missing, message, "thesis")
    )

    dimensions = context.dimensions
    named = [d for d in dimensions if mentions_area(text, d.name)]
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
            f"Name at least {number(NAMED_DIMENSIONS)} of the areas you compare and say there "
            f"are others (“and two other areas”); so far it names {len(named)}."
        )
    else:
        message = (
            f"Say which areas you compare: your thesis does not yet mention "
            f"{join([prose(d.name) for d in unnamed])}."
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


def _dimension_checks(outline: Outline, context: Context) -> list[Check]:
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
                f"There is no evidence on {prose(area)} yet. Add some for {context.names}, so "
                "the comparison rests on the text."
            )
        else:
            having = join([s.name for s in context.subjects if s.id in covered])
            message = (
                f"{area} has evidence for {having} but not yet for {join(missing)}. Add some "
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


def _question_checks(outline: Outline, context: Context) -> list[Check]:
    checks = []
    for section in outline.sections:
        for item in section.evidence:
            evidence = context.evidence.get(item.key)
            if (evidence is not None and evidence.kind == "question") or asks(
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
