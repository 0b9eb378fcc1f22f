"""The checks an outline gets, on the student's words as they stand.

Each check is a `problem` (the student confirms before submitting with it open) or a
`suggestion` (advice). What words can decide is a problem: a missing thesis, a subject not
named, a reason that is only boilerplate, words copied from the table or the article, evidence
tagged with another dimension, no evidence for one side. Where keywords cannot decide (whether
the thesis uses the question's terms, how much is quoted) the check is a suggestion. Every
message says what to do next in one sentence and `target` points at the box to fix.

The checks read only what the student wrote and chose; they never pass text the builder made,
because the builder makes none. No evidence at all never passes an "own words" check, and the
"in my own words" toggle counts only beside reasoning the student actually wrote.
"""

from __future__ import annotations

import re
from dataclasses import replace

from essays.builder.context import Context
from essays.builder.frames import asks_extent
from essays.builder.text import copied_spans, join, mentions, prose, stems, tokens
from essays.builder.types import (
    PROBLEM,
    SUCCESSIVE_KINDS,
    SUGGESTION,
    Check,
    EvidenceItem,
    Outline,
    Section,
    Selection,
)

# Imbalance flagged when one subject has this many times the other's evidence on a dimension.
BALANCE_RATIO = 3


def check(outline: Outline, selection: Selection) -> list[Check]:
    """The checks for an outline as it stands, edits and judgements included."""
    context = Context(
        replace(
            selection,
            structure=outline.structure,
            stance=outline.stance,
            judgements=tuple(outline.judgements) or selection.judgements,
        )
    )
    return checks_in(outline, context)


def checks_in(outline: Outline, context: Context) -> list[Check]:
    """`check`, with the context already made: the outline's structure, stance and
    judgements must be the context's (as for an outline `build` has just made from it)."""
    return [
        *thesis_checks(outline.thesis, context),
        *_judgement_checks(context),
        *_section_checks(outline, context),
        *_evidence_checks(outline, context),
        *_balance_checks(outline, context),
    ]


# The thesis

_POSITION = re.compile(
    r"\b(whereas|whilst|while|although|though|unlike|just as|in contrast|by contrast|"
    r"compared (with|to)|however|but|yet|similarly|likewise|rather than|more than|less than|"
    r"far more|far less|both|neither|instead|differ(ed|s)? (most|mainly|more|less)|"
    r"(largely|mostly|partly|entirely|completely|only) )",
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
    )
]
# Words that introduce a reason or a consequence.
_REASON = re.compile(
    r"\b(because|since|so that|so|therefore|thus|which (shows?|meant|means|led|explains?|"
    r"reveals?|is why)|this (shows?|meant|means|reveals?|explains?)|(it|this) matters|"
    r"shap(ed|es|ing)|led to|leads to|caused|causes|meant that|as a result|explains?|"
    r"reveals?|shows? that|shows?|matters?|in order to)\b",
    re.IGNORECASE,
)
# Words that say nothing in a reason by themselves: "which shows they were different".
_BOILERPLATE = set(
    """
    a an the and or but so of to in on at by for with as that this these those it its they them
    their there here is are was were be been being has have had do does did will would can could
    may might shows show showed shown showing matters matter mattered important importance
    significant significance different difference differences differ differed similar similarity
    similarities alike same both each one ones other others what which who how why very really
    quite far apart way ways thing things lot lots many much more most less put first also just
    interesting compare comparison contrast contrasts approach approaches priorities priority
    reveals reveal explains explain because since therefore thus meant means led leads caused
    causes shaped shapes choice choices some all not no than then when where while whereas
    about over under between from into out up down we us our you your i my me he she his her him
    """.split()
)
_DEGREE_WORDS = re.compile(
    r"\b(to (a|an|some|no|what|the) ?(large|great|greater|limited|small|certain|significant|"
    r"lesser|considerable|full)? (extent|degree)|largely|mostly|partly|partially|entirely|"
    r"completely|wholly|somewhat|only (partly|slightly|in part)|slightly|fundamentally|"
    r"in (part|degree|kind)|far more|far less|much more|much less)\b",
    re.IGNORECASE,
)
_QUESTION_WORDS = set(
    """how was were is are did do does what to extent degree why which far different differ
    similar compare compared between and the a of in""".split()
)


def thesis_checks(thesis: str, context: Context) -> list[Check]:
    """The checks on the thesis, all targeting "thesis"."""
    text = " ".join(thesis.split())
    if not text:
        return [
            Check(
                "thesis_written",
                False,
                "Write your thesis: one sentence that answers the question in the box above it.",
                "thesis",
            )
        ]
    return [
        _names_subjects(text, context),
        _answers_question(text, context),
        _takes_position(text),
        _gives_reason(text, context),
        _own_words(thesis, context, "thesis", "thesis_own_words", PROBLEM),
    ]


def _names_subjects(text: str, context: Context) -> Check:
    missing = [s.name for s in context.subjects if not mentions(text, s.name)]
    if len(context.subjects) < 2:
        return Check(
            "thesis_names_subjects",
            False,
            "Choose at least two subjects to compare, then name them in your thesis.",
            "thesis",
        )
    if missing:
        return Check(
            "thesis_names_subjects",
            False,
            f"Name {join(missing)} in your thesis, so the reader knows who you compare.",
            "thesis",
        )
    return Check("thesis_names_subjects", True, f"Your thesis names {context.names}.", "thesis")


def _answers_question(text: str, context: Context) -> Check:
    question = context.question
    if asks_extent(question) and not _DEGREE_WORDS.search(text):
        return Check(
            "thesis_answers_question",
            False,
            "The question asks “to what extent”: say how far, e.g. “largely”, “only partly” "
            "or “to a limited extent”.",
            "thesis",
        )
    names = stems(" ".join(s.name for s in context.subjects))
    terms = {
        word
        for word in stems(question)
        if word not in names and word not in {w[:5] for w in _QUESTION_WORDS}
    }
    if terms and not terms & stems(text):
        return Check(
            "thesis_answers_question",
            False,
            "Use a key word from the essay question in your thesis, so it clearly answers it.",
            "thesis",
            level=SUGGESTION,
        )
    return Check("thesis_answers_question", True, "Your thesis answers the question.", "thesis")


def _takes_position(text: str) -> Check:
    if any(pattern.search(text) for pattern in _EMPTY_PATTERNS):
        return Check(
            "thesis_takes_position",
            False,
            "“Similar in some ways and different in others” fits any two things: say where "
            "they differ most, or how far.",
            "thesis",
        )
    if not _POSITION.search(text):
        return Check(
            "thesis_takes_position",
            False,
            "Set the subjects against each other with a word like whereas, although or unlike.",
            "thesis",
            level=SUGGESTION,
        )
    return Check("thesis_takes_position", True, "Your thesis takes a position.", "thesis")


def reason_of(text: str) -> str | None:
    """The part of a sentence that gives its reason or consequence (from the first reason
    word on), or None without one."""
    match = _REASON.search(text)
    return text[match.start() :] if match else None


def specific_words(text: str, context: Context) -> list[str]:
    """The words of a reason that say something about these subjects, beyond boilerplate."""
    names = {word for s in context.subjects for word, _, _ in tokens(s.name)}
    return [
        word
        for word, _, _ in tokens(text)
        if len(word) >= 3
        and word not in _BOILERPLATE
        and word not in names
        and not any(mentions(word, s.name) for s in context.subjects)
    ]


def _gives_reason(text: str, context: Context) -> Check:
    reason = reason_of(text)
    if reason is None:
        return Check(
            "thesis_gives_reason",
            False,
            "Add a reason: finish with “because …” or “so …” and say what the difference led to.",
            "thesis",
        )
    if len(specific_words(reason, context)) < 2:
        return Check(
            "thesis_gives_reason",
            False,
            "“This shows they were different” fits any comparison: say what the difference "
            "changed or caused for these two.",
            "thesis",
        )
    return Check("thesis_gives_reason", True, "Your thesis gives a reason of its own.", "thesis")


def _own_words(text: str, context: Context, target: str, code: str, level: str) -> Check:
    spans = copied_spans(text, indexes=context.not_own_words)
    if spans:
        words = " … ".join(text[a:b] for a, b in spans)
        return Check(
            code,
            False,
            f"Put this in your own words; it copies the table or the text: “{words}”.",
            target,
            level=level,
            spans=spans,
        )
    return Check(code, True, "In your own words.", target, level=level)


# Judgements


def _judgement_checks(context: Context) -> list[Check]:
    checks = []
    for dimension in context.dimensions:
        judgement = context.judgements.get(dimension.id)
        target = f"judgement:{dimension.id}"
        area = prose(dimension.name)
        if judgement is None or judgement.kind is None:
            checks.append(
                Check(
                    "judgement_missing",
                    False,
                    f"Judge {area}: do {context.names} differ in kind, in degree, or are they "
                    "mostly alike?",
                    target,
                )
            )
        elif judgement.kind in SUCCESSIVE_KINDS and not context.selection.successive:
            checks.append(
                Check(
                    "judgement_missing",
                    False,
                    f"“Changed” and “continued” fit only subjects that followed each other: "
                    f"choose another judgement for {area}.",
                    target,
                )
            )
        elif not judgement.sentence.strip():
            checks.append(
                Check(
                    "judgement_sentence",
                    False,
                    f"Write one sentence in your own words saying how they compare on {area}.",
                    target,
                )
            )
        else:
            checks.append(
                _own_words(judgement.sentence, context, target, "judgement_own_words", PROBLEM)
            )
    if context.dimensions:
        lead = context.most_significant
        judgement = context.judgements.get(lead.id) if lead else None
        if lead is None:
            checks.append(
                Check(
                    "judgement_most_significant",
                    False,
                    "Pick the area that matters most for the question, and say why.",
                    "judgements",
                    level=SUGGESTION,
                )
            )
        elif not judgement.why.strip():
            checks.append(
                Check(
                    "judgement_most_significant",
                    False,
                    f"Say in a sentence why {prose(lead.name)} matters most for the question.",
                    f"judgement:{lead.id}",
                    level=SUGGESTION,
                )
            )
    return checks


# Sections


def _section_checks(outline: Outline, context: Context) -> list[Check]:
    checks = []
    for section in outline.sections:
        if section.role in ("body", "synthesis"):
            if not section.claim.strip():
                checks.append(
                    Check(
                        "claim_missing",
                        False,
                        f"Write the topic sentence for “{section.heading}”: what this paragraph "
                        "argues.",
                        section.key,
                    )
                )
            else:
                checks.append(
                    _own_words(section.claim, context, section.key, "claim_own_words", PROBLEM)
                )
            checks.append(_reasoning_check(section, context))
            if not section.evidence:
                checks.append(
                    Check(
                        "section_without_evidence",
                        False,
                        f"Add evidence from the text to “{section.heading}” to back up its claim.",
                        section.key,
                    )
                )
        elif section.role == "conclusion" and not section.claim.strip():
            checks.append(
                Check(
                    "claim_missing",
                    False,
                    "Write your conclusion: answer the question again in new words.",
                    section.key,
                )
            )
        elif section.role == "counterargument" and not section.claim.strip():
            checks.append(
                Check(
                    "counterargument_missing",
                    False,
                    "Write the other side fairly, then say why it does not change your answer.",
                    section.key,
                    level=SUGGESTION,
                )
            )
    return checks


def _reasoning_check(section: Section, context: Context) -> Check:
    """A body section needs reasoning in the student's words: the section's own, or a
    reasoning line on its cards. With no evidence, there is nothing to reason about."""
    target = f"{section.key}#reasoning"
    written = [section.reasoning] + [item.reasoning for item in section.evidence]
    written = [text for text in written if text.strip()]
    if not section.evidence:
        return Check(
            "reasoning_missing",
            False,
            f"Add evidence to “{section.heading}”, then explain what it shows.",
            target,
        )
    if not written:
        return Check(
            "reasoning_missing",
            False,
            f"Explain your evidence in “{section.heading}”: “This shows … because …”.",
            target,
        )
    copied = [_own_words(text, context, target, "reasoning_own_words", PROBLEM) for text in written]
    failing = next((c for c in copied if not c.ok), None)
    if failing is not None:
        return failing
    return Check("reasoning_missing", True, "Your reasoning is in your own words.", target)


# Evidence


def _evidence_checks(outline: Outline, context: Context) -> list[Check]:
    items = [item for section in outline.sections for item in section.evidence]
    checks = []
    if not items:
        return [
            Check(
                "evidence_missing",
                False,
                "Choose evidence from the text: a quote you annotated for each subject.",
                "evidence",
            ),
            Check(
                "evidence_own_words",
                False,
                "With no evidence there is nothing in your own words yet: add some and explain it.",
                "evidence",
            ),
        ]
    if all(item.source == "table" for item in items):
        checks.append(
            Check(
                "evidence_table_only",
                False,
                "All your evidence is from the summary table: add quotes from the text itself.",
                "evidence",
            )
        )
    for section in outline.sections:
        for item in section.evidence:
            checks.extend(_card_checks(section, item, context))
    # "In my own words" counts only beside reasoning the student wrote, never for a cell.
    own = sum(
        1
        for item in items
        if item.source != "table" and item.form == "paraphrase" and item.reasoning.strip()
    )
    quoted = sum(1 for item in items if item.form == "quote" and item.source != "table")
    if own == 0 and quoted == len(items):
        checks.append(
            Check(
                "evidence_own_words",
                False,
                "Put at least one piece of evidence in your own words and explain it.",
                "evidence",
                level=SUGGESTION,
            )
        )
    elif own == 0:
        checks.append(
            Check(
                "evidence_own_words",
                False,
                "Write what at least one piece of evidence shows in your own words; ticking the "
                "box is not enough.",
                "evidence",
                level=SUGGESTION,
            )
        )
    return checks


def _card_checks(section: Section, item: EvidenceItem, context: Context) -> list[Check]:
    checks = []
    evidence = context.evidence.get(item.key)
    kind = evidence.kind if evidence else "evidence"
    if kind == "question" or item.note.strip().endswith("?"):
        checks.append(
            Check(
                "note_not_evidence",
                False,
                "This note is a question, not evidence: find the answer in the text and use that.",
                item.key,
            )
        )
    elif kind == "comment":
        checks.append(
            Check(
                "note_not_evidence",
                False,
                "This note is a comment, not evidence: use a quote that shows your point.",
                item.key,
            )
        )
    if section.role == "body" and section.dimension_id is not None:
        tags = context.tags_of(item.key)
        if tags and section.dimension_id not in tags:
            about = [prose(d.name) for d in context.dimensions if d.id in tags] or ["another area"]
            checks.append(
                Check(
                    "evidence_wrong_section",
                    False,
                    f"This evidence is about {join(about)}, not {prose(section.heading)}: move "
                    "it or choose other evidence.",
                    item.key,
                )
            )
    return checks


# Balance


def _balance_checks(outline: Outline, context: Context) -> list[Check]:
    """Per dimension and per subject: every subject has at least the teacher's minimum, and
    no subject has BALANCE_RATIO times another's evidence."""
    if len(context.subjects) < 2:
        return []
    groups: list[tuple[str, str, list[EvidenceItem]]] = []
    if outline.structure == "point_by_point":
        for section in outline.sections:
            if section.role == "body" and section.dimension_id is not None and section.evidence:
                groups.append((section.key, section.heading, section.evidence))
    else:
        body = [i for s in outline.sections if s.role in ("body", "synthesis") for i in s.evidence]
        for dimension in context.dimensions:
            items = [i for i in body if context.dimension_of(i.key) == dimension.id]
            if items:
                groups.append(("evidence", dimension.name, items))
    checks = []
    minimum = max(context.selection.min_evidence, 1)
    for target, heading, items in groups:
        counts = {s.id: 0 for s in context.subjects}
        for item in items:
            for subject_id in context.subjects_of(item):
                counts[subject_id] += 1
        short = [s.name for s in context.subjects if counts[s.id] < minimum]
        most, least = max(counts.values()), min(counts.values())
        if short:
            need = "a piece" if minimum == 1 else f"{minimum} pieces"
            checks.append(
                Check(
                    "evidence_balance",
                    False,
                    f"Add {need} of evidence for {join(short)} in “{heading}”, so both sides "
                    "are supported.",
                    target,
                )
            )
        elif most >= BALANCE_RATIO * least:
            heavy = next(s.name for s in context.subjects if counts[s.id] == most)
            light = next(s.name for s in context.subjects if counts[s.id] == least)
            checks.append(
                Check(
                    "evidence_balance",
                    False,
                    f"“{heading}” has {most} pieces on {heavy} but {least} on {light}: add "
                    f"evidence for {light}.",
                    target,
                )
            )
    return checks
