"""Checks on an essay draft, shown beside it while the student writes. Plain data in and out.

- every body paragraph cites at least one piece of evidence (a citation like "§2 ¶5" or "¶5");
- a comparative paragraph (point by point, or the synthesis) mentions every subject;
- the introduction still contains the thesis (or nearly all of its words);
- a quotation longer than QUOTE_WORDS words is flagged, with the nudge to describe it instead.
"""

import re
from dataclasses import dataclass

QUOTE_WORDS = 25
CITATION = re.compile(r"(§\s*\d+\s*)?¶\s*\d+")
QUOTED = re.compile(r"[“\"]([^”\"]+)[”\"]")
WORD = re.compile(r"[\w’']+")


@dataclass(frozen=True)
class Paragraph:
    key: str  # the outline section's key
    role: str  # introduction | body | synthesis | counterargument | conclusion
    heading: str
    text: str
    comparative: bool  # should mention every subject (point-by-point body, synthesis)


@dataclass(frozen=True)
class DraftCheck:
    code: str
    ok: bool
    message: str
    target: str  # a paragraph key, or "draft"


def words(text: str) -> list[str]:
    return WORD.findall(text)


def word_count(text: str) -> int:
    """Words the student wrote: citations like "(§2 ¶5)" are not words."""
    return len(words(CITATION.sub("", text)))


def _mentions(text: str, name: str) -> bool:
    """A subject is mentioned by its full name or its last word (a surname)."""
    lowered = text.lower()
    return name.lower() in lowered or name.split()[-1].lower() in lowered


def _keeps_thesis(introduction: str, thesis: str) -> bool:
    if not thesis.strip():
        return True
    if thesis.strip() in introduction:
        return True
    wanted = {w.lower() for w in words(thesis) if len(w) > 3}
    present = {w.lower() for w in words(introduction)}
    return not wanted or len(wanted & present) / len(wanted) >= 0.8


def check(paragraphs: list[Paragraph], *, thesis: str, subjects: list[str]) -> list[DraftCheck]:
    checks = []
    for p in paragraphs:
        if not p.text.strip():
            continue
        if p.role in ("body", "synthesis", "counterargument"):
            cited = bool(CITATION.search(p.text))
            checks.append(
                DraftCheck(
                    "cites_evidence",
                    cited,
                    f"“{p.heading}” cites its evidence."
                    if cited
                    else f"“{p.heading}” has no citation yet: add one with a citation chip.",
                    p.key,
                )
            )
        if p.comparative and len(subjects) > 1:
            missing = [s for s in subjects if not _mentions(p.text, s)]
            checks.append(
                DraftCheck(
                    "mentions_both",
                    not missing,
                    f"“{p.heading}” compares {' and '.join(subjects)}."
                    if not missing
                    else f"“{p.heading}” does not mention {' or '.join(missing)} yet: "
                    "a comparative "
                    "paragraph talks about both.",
                    p.key,
                )
            )
        for quote in QUOTED.findall(p.text):
            if word_count(quote) > QUOTE_WORDS:
                checks.append(
                    DraftCheck(
                        "long_quote",
                        False,
                        f"A quotation in “{p.heading}” is {word_count(quote)} words long. Describe "
                        "it in your own words and keep only the few words that matter.",
                        p.key,
                    )
                )
    introduction = next((p for p in paragraphs if p.role == "introduction"), None)
    if introduction and introduction.text.strip():
        kept = _keeps_thesis(introduction.text, thesis)
        checks.append(
            DraftCheck(
                "thesis_in_introduction",
                kept,
                "Your introduction states your thesis."
                if kept
                else "Your thesis is no longer in the introduction: end the introduction with it.",
                introduction.key,
            )
        )
    return checks
