"""Word helpers shared by the builder's modules: joining, casing, stems and name matching."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from essays.builder.types import EvidenceItem, Outline

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")

STOP = {
    "about", "after", "also", "been", "both", "from", "have", "into", "more", "most", "much",
    "only", "other", "over", "same", "some", "such", "than", "that", "their", "them", "then",
    "there", "these", "they", "this", "those", "very", "were", "what", "when", "where", "which",
    "while", "with", "would", "your",
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


# Irregular verb forms a question and an answer often trade ("break with" / "broke with").
IRREGULAR = {
    "broke": "break", "broken": "break", "chose": "choose", "chosen": "choose", "led": "lead",
    "rose": "rise", "risen": "rise", "fell": "fall", "fallen": "fall", "won": "win",
    "lost": "lose", "kept": "keep", "held": "hold", "began": "begin", "begun": "begin",
    "grew": "grow", "grown": "grow", "fought": "fight", "sought": "seek", "thought": "think",
    "brought": "bring", "built": "build", "made": "make", "took": "take", "taken": "take",
    "gave": "give", "given": "give", "ruled": "rule", "spent": "spend", "taught": "teach",
}  # fmt: skip


def stems(text: str) -> set[str]:
    """Content words cut to five letters, so "economy" meets "economic" (and "broke" meets
    "break")."""
    words = (IRREGULAR.get(w.lower(), w.lower()) for w in WORD.findall(text))
    return {word[:5] for word in words if len(word) >= 4 and word not in STOP}


def mentions(text: str, name: str) -> bool:
    """Whether `text` names a subject: in full, by the last word of a longer name, or by a
    simple derived form ("Athenian", "Spartans", "Stalinist", "Roman")."""
    name = " ".join(name.split())
    if not name:
        return False
    if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE):
        return True
    words = name.split(" ")
    last = words[-1]
    if len(words) > 1 and len(last) >= 3 and _named(text, last):
        return True
    return _named(text, last) if len(words) == 1 else False


# Endings that make a demonym or a follower from a name: Athen-ian, Spart-an, Stalin-ist.
_DERIVED = r"(?:ians?|ans?|ns?|ists?|isms?|ites?|ese|ish|ic|s|['’]s)?"


def _named(text: str, word: str) -> bool:
    lowered = word.lower()
    bases = {lowered, lowered.rstrip("s"), re.sub(r"[aeiouy]+$", "", lowered.rstrip("s"))}
    bases = {base for base in bases if len(base) >= 3}
    pattern = "|".join(re.escape(base) for base in sorted(bases, key=len, reverse=True))
    return bool(re.search(rf"(?<!\w)(?:{pattern}){_DERIVED}(?!\w)", text, re.IGNORECASE))


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


# Copied words

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")

# A run of this many words in a row, found in a source, is copied rather than the student's.
COPIED_RUN = 6


def tokens(text: str) -> list[tuple[str, int, int]]:
    """The words of `text`, lower-cased, with their character ranges."""
    return [
        (m.group().lower().replace("’", "'"), m.start(), m.end()) for m in _TOKEN.finditer(text)
    ]


@dataclass(frozen=True)
class CopiedIndex:
    """Sources indexed for `copied_spans`: their runs of words, and the short ones whole."""

    grams: frozenset[tuple[str, ...]]
    wholes: frozenset[tuple[str, ...]]


def copied_index(sources: Iterable[str], run: int = COPIED_RUN) -> CopiedIndex:
    """Every source indexed once by its word n-grams (a source of four words up to `run`
    whole)."""
    grams: set[tuple[str, ...]] = set()
    wholes: set[tuple[str, ...]] = set()
    for source in sources:
        source_words = [w for w, _, _ in tokens(source)]
        if 4 <= len(source_words) < run:
            wholes.add(tuple(source_words))
        for i in range(len(source_words) - run + 1):
            grams.add(tuple(source_words[i : i + run]))
    return CopiedIndex(frozenset(grams), frozenset(wholes))


@lru_cache(maxsize=8)
def kept_copied_index(sources: tuple[str, ...], run: int = COPIED_RUN) -> CopiedIndex:
    """`copied_index` of sources many checks share (an assignment's article and table, the
    same for every student): made once per process for each such text, then kept."""
    return copied_index(sources, run)


def copied_spans(
    text: str,
    sources: Iterable[str] = (),
    run: int = COPIED_RUN,
    *,
    indexes: Sequence[CopiedIndex] = (),
) -> list[tuple[int, int]]:
    """The character ranges of `text` that repeat `run` or more words in a row from one of
    `sources`, or a whole source of at least four words (a short matrix cell copied whole).
    Bounded: every source is indexed once by its word n-grams; `indexes` are sources
    already indexed (`copied_index`, with the same `run`)."""
    words = tokens(text)
    if not words:
        return []
    indexes = [*indexes, copied_index(sources, run)] if sources else list(indexes)
    plain = [w for w, _, _ in words]
    hit = [False] * len(plain)
    for i in range(len(plain) - run + 1):
        gram = tuple(plain[i : i + run])
        if any(gram in index.grams for index in indexes):
            hit[i : i + run] = [True] * run
    for whole in {whole for index in indexes for whole in index.wholes}:
        size = len(whole)
        for i in range(len(plain) - size + 1):
            if tuple(plain[i : i + size]) == whole:
                hit[i : i + size] = [True] * size
    spans: list[tuple[int, int]] = []
    for (_, start, end), copied in zip(words, hit, strict=True):
        if not copied:
            continue
        if spans and not text[spans[-1][1] : start].strip(" ,;:'\"“”‘’-—"):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans
