"""Word helpers shared by the builder's modules: joining, casing, stems and name matching."""

from __future__ import annotations

import re

from essays.builder.types import EvidenceItem, Outline

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")

STOP = {
    "about", "after", "also", "been", "both", "from", "have", "into", "more", "most", "much",
    "only", "other", "over", "same", "some", "such", "than", "that", "their", "them", "then",
    "there", "these", "they", "this", "those", "very", "were", "what", "when", "where", "which",
    "while", "with", "would", "your",
}  # fmt: skip

# Common first words of a matrix cell written as a verb phrase ("Won the war …").
VERBS = {
    "began", "became", "broke", "brought", "built", "chose", "drove", "fell", "fought", "gave",
    "grew", "had", "held", "kept", "led", "left", "lost", "made", "put", "ran", "rose", "sent",
    "set", "sought", "spent", "stood", "struck", "took", "tried", "was", "were", "won", "wrote",
    "uses", "makes", "keeps", "takes", "gives", "seeks", "tries", "builds", "leads", "rules",
    "relies", "aims", "wants", "focuses", "promotes", "favours", "favors", "rejects", "is",
    "are", "has", "have",
}  # fmt: skip

# Words ending in -ed that are rarely verbs.
NOT_VERBS = {"hundred", "sacred", "kindred", "naked", "wicked", "rugged", "beloved", "indeed"}

# Finite verbs that make a cell a whole clause ("Show trials kept society in fear").
FINITE = {
    "was", "were", "is", "are", "had", "has", "have", "kept", "became", "remained", "caused",
    "made", "gave", "took", "ruled", "relied", "grew", "fell", "rose", "led", "won", "lost",
}  # fmt: skip

NUMBERS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def number(n: int) -> str:
    return NUMBERS[n] if 0 <= n < len(NUMBERS) else str(n)


def join(items: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(items) <= 2:
        return " and ".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def join_clauses(clauses: list[str], separator: str = ", ") -> str:
    """Clauses, which may hold commas of their own: "a and b", "a, b, and c"."""
    if len(clauses) <= 2 and separator == ", ":
        return " and ".join(clauses)
    if len(clauses) == 1:
        return clauses[0]
    return f"{separator.join(clauses[:-1])}{separator.rstrip()} and {clauses[-1]}"


def tidy(text: str) -> str:
    """One end mark after a quoted question: "… “How was it?”?" -> "… “How was it?”"."""
    return re.sub(r"([?!.])”[?.]", r"\1”", text)


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def prose(name: str) -> str:
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


def possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def asks(*texts: str) -> bool:
    return any(text.strip().endswith("?") for text in texts)


def stems(text: str) -> set[str]:
    """Content words cut to five letters, so "economy" meets "economic"."""
    return {
        word[:5]
        for word in (w.lower() for w in WORD.findall(text))
        if len(word) >= 4 and word not in STOP
    }


def mentions(text: str, name: str) -> bool:
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


def mentions_area(text: str, name: str) -> bool:
    """Whether `text` names a dimension: the whole name, or each of its content words."""
    name = " ".join(name.split())
    if not name:
        return False
    if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE):
        return True
    wanted = stems(name)
    return bool(wanted) and wanted <= stems(text)


def items_by_key(outline: Outline) -> dict[str, EvidenceItem]:
    return {item.key: item for section in outline.sections for item in section.evidence}
