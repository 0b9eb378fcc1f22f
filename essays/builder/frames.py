"""Wording the builder offers: transition banks and the thesis."""

from __future__ import annotations

from essays.builder.context import PAST, Context
from essays.builder.text import capital, join, join_clauses

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


def thesis_for(context: Context) -> str:
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
        words["whereas"] = f"{clauses[0]}, {join_clauses(clauses[1:])}"
        words["while_"] = f"{clauses[0]}, while {join_clauses(clauses[1:])}"
        words["and_"] = join_clauses(clauses)
        patterns = _WITH_CELLS[context.stance]
    else:
        rest = [s.name for s in subjects[1:]]
        words["first"] = subjects[0].name if subjects else "the first"
        words["rest"] = join(rest) or "the other"
        words["took_a_different_course"] = (
            f"{tense.takes} a clearly different course"
            if len(rest) <= 1
            else "each took a different course"
            if tense is PAST
            else "each take a different course"
        )
        patterns = _WITHOUT_CELLS[context.stance]
    pattern = context.pick(patterns)
    return capital(pattern.format(**words))
