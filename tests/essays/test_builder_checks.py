"""The builder's checks, as a writing teacher would want them: each a `problem` (confirm before
submitting) or a `suggestion`, each pointing at the box to fix, none approving text the tool
wrote. Plain data, on an Athens/Sparta comparison."""

from dataclasses import replace

import pytest

from essays.builder import (
    Cell,
    Dimension,
    Evidence,
    Judgement,
    Outline,
    Selection,
    Subject,
    build,
    check,
)

QUESTION = "To what extent did Athens and Sparta differ in what they valued?"
ATHENS, SPARTA = Subject(1, "Athens"), Subject(2, "Sparta")
EDUCATION, ECONOMY, WOMEN = (
    Dimension(10, "Education"),
    Dimension(11, "Economy"),
    Dimension(12, "Role of women"),
)
CELLS = (
    Cell(10, 1, "Broad schooling in music, letters and athletics for citizen boys."),
    Cell(10, 2, "The agoge: harsh state military training from age seven."),
    Cell(11, 1, "Trade, silver mines and a large navy."),
    Cell(11, 2, "Farming by helots; citizens barred from trade."),
    Cell(12, 1, "Largely confined to the household."),
    Cell(12, 2, "Owned land."),
)
ARTICLE = (
    "In Athens, boys from citizen families learned to read, write and play the lyre, and "
    "the city grew rich from the harbour at Piraeus and the silver of Laurion.",
    "In Sparta, at the age of seven boys were taken from their families into the agoge, and "
    "helots worked the land so that citizens could train for war.",
)


def card(n, subject, dimension, quote, note="", **extra) -> Evidence:
    return Evidence(
        key=f"annotation:{n}",
        subject_ids=(subject.id,),
        dimension_id=dimension.id if dimension else None,
        quote=quote,
        note=note,
        citation=f"§1 ¶{n}",
        **extra,
    )


EVIDENCE = (
    card(1, ATHENS, EDUCATION, "boys ... learned to read, write and play the lyre", "rounded"),
    card(2, SPARTA, EDUCATION, "boys were taken from their families into the agoge", "soldiers"),
    card(3, ATHENS, ECONOMY, "the harbour at Piraeus", "trade made Athens rich"),
    card(4, SPARTA, ECONOMY, "helots worked the land", "unfree farmers"),
)
STRONG = (
    "Athenians largely valued an educated citizen whereas Spartans valued an obedient "
    "soldier, and that choice shaped how each city schooled its boys and paid its way."
)


def selection(**changes) -> Selection:
    base = Selection(
        question=QUESTION,
        subjects=(ATHENS, SPARTA),
        dimensions=(EDUCATION, ECONOMY),
        cells=CELLS,
        evidence=EVIDENCE,
        article=ARTICLE,
        judgements=(
            Judgement(
                10,
                "kind",
                "Athens schooled minds, Sparta drilled bodies.",
                True,
                "it decided who a citizen was",
            ),
            Judgement(11, "degree", "Both leaned on unfree labour, Sparta far more."),
        ),
    )
    return replace(base, **changes)


def written(outline: Outline, thesis: str = STRONG) -> Outline:
    """The outline as a student finishes it: every box in their own words."""
    outline.thesis = thesis
    for section in outline.sections:
        section.claim = f"My topic sentence about {section.heading.lower()} in my words."
        if section.role == "body":
            section.reasoning = "This matters since schooling fixed what each city expected."
        for item in section.evidence:
            item.reasoning = "This shows each city trained boys for the life it wanted."
            item.form = "paraphrase"
    return outline


def gaps(outline: Outline, chosen: Selection, target: str | None = None):
    found = [c for c in check(outline, chosen) if not c.ok]
    return [c for c in found if target is None or c.target == target]


def codes(checks) -> set[str]:
    return {c.code for c in checks}


def problems(checks) -> list:
    return [c for c in checks if c.level == "problem"]


# Every check has a level, a target and a message that says what to do


def test_every_check_has_a_level_a_target_and_a_one_sentence_message():
    for outline in (build(selection()), written(build(selection()), "Athens is nice.")):
        for found in check(outline, selection()):
            assert found.level in ("problem", "suggestion")
            assert found.target
            assert found.message.strip() and found.message.count(". ") <= 1, found.message


def test_a_fresh_outline_asks_for_the_students_words_everywhere():
    outline = build(selection())

    found = gaps(outline, selection())
    assert "thesis_written" in codes(found)
    claims = {c.target for c in found if c.code == "claim_missing"}
    assert claims == {"body:dimension:10", "body:dimension:11", "conclusion"}
    reasons = {c.target for c in found if c.code == "reasoning_missing"}
    assert reasons == {"body:dimension:10#reasoning", "body:dimension:11#reasoning"}


def test_a_whole_outline_in_the_students_words_has_no_problem():
    outline = written(build(selection()))

    assert problems(gaps(outline, selection())) == []


# The thesis


@pytest.mark.parametrize(
    "reason",
    [
        "but this shows that they are important",
        "which shows they were different",
        "it matters because it shows what each of them put first",
    ],
)
def test_an_empty_reason_is_flagged(reason):
    thesis = f"Athens largely valued learning whereas Sparta valued war, {reason}."

    found = gaps(written(build(selection()), thesis), selection(), "thesis")

    (empty,) = [c for c in found if c.code == "thesis_gives_reason"]
    assert empty.level == "problem"
    assert "say what the difference changed or caused" in empty.message


def test_the_strong_thesis_passes_with_no_problem():
    found = check(written(build(selection())), selection())

    thesis = [c for c in found if c.target == "thesis"]
    assert {c.code for c in thesis} >= {
        "thesis_names_subjects",
        "thesis_answers_question",
        "thesis_takes_position",
        "thesis_gives_reason",
        "thesis_own_words",
    }
    assert [c for c in thesis if not c.ok] == []


def test_a_thesis_without_any_reason_is_asked_for_one():
    thesis = "Athens largely valued learning whereas Sparta valued war."

    (found,) = [
        c
        for c in gaps(written(build(selection()), thesis), selection())
        if c.code == "thesis_gives_reason"
    ]
    assert "because" in found.message


@pytest.mark.parametrize(
    "thesis",
    [
        "Athenian and Spartan schools largely differed, so boys grew up for different lives.",
        "The Athenians and the Spartans largely differed, so boys grew up for different lives.",
    ],
)
def test_demonyms_name_the_subjects(thesis):
    found = gaps(written(build(selection()), thesis), selection(), "thesis")

    assert "thesis_names_subjects" not in codes(found)


def test_a_missing_subject_is_named_in_the_message():
    thesis = "Athens largely valued learning, so its boys grew up reading poetry and law."

    (found,) = [
        c
        for c in gaps(written(build(selection()), thesis), selection())
        if c.code == "thesis_names_subjects"
    ]
    assert "Sparta" in found.message and found.level == "problem"


def test_to_what_extent_wants_a_judgement_of_degree():
    thesis = (
        "Athens valued learning whereas Sparta valued war, so boys grew up for different lives."
    )

    (found,) = [
        c
        for c in gaps(written(build(selection()), thesis), selection())
        if c.code == "thesis_answers_question"
    ]
    assert found.level == "problem" and "how far" in found.message


def test_a_thesis_without_the_questions_terms_gets_a_suggestion_only():
    chosen = selection(question="How did Athens and Sparta raise their citizens?")
    thesis = (
        "Athens trusted words whereas Sparta trusted spears, so each city armed itself differently."
    )

    (found,) = [
        c
        for c in gaps(written(build(chosen), thesis), chosen)
        if c.code == "thesis_answers_question"
    ]
    assert found.level == "suggestion"


@pytest.mark.parametrize(
    "thesis",
    [
        "Athens and Sparta were similar in some ways and different in others, so they mattered.",
        "This essay will compare Athens and Sparta because they were rivals in Greece.",
    ],
)
def test_a_thesis_that_takes_no_position_is_a_problem(thesis):
    found = gaps(written(build(selection()), thesis), selection(), "thesis")

    assert [c.level for c in found if c.code == "thesis_takes_position"] == ["problem"]


def test_a_thesis_copied_from_the_matrix_is_flagged_with_the_copied_words():
    thesis = (
        "Athens largely offered broad schooling in music, letters and athletics for citizen "
        "boys, whereas Sparta drilled soldiers, so each city raised a different man."
    )

    (found,) = [
        c
        for c in gaps(written(build(selection()), thesis), selection())
        if c.code == "thesis_own_words"
    ]
    assert found.level == "problem"
    (span,) = found.spans
    assert (
        thesis[span[0] : span[1]]
        == "broad schooling in music, letters and athletics for citizen boys"
    )
    assert "broad schooling in music" in found.message


def test_a_thesis_copied_from_the_article_is_flagged():
    thesis = (
        "Athens largely differed from Sparta, where at the age of seven boys were taken from "
        "their families, so each city raised a different man."
    )

    (found,) = [
        c
        for c in gaps(written(build(selection()), thesis), selection())
        if c.code == "thesis_own_words"
    ]
    assert "at the age of seven boys were taken from their families" in found.message


def test_a_short_cell_copied_whole_is_flagged_but_shared_words_are_not():
    copied = (
        "Athens largely kept women largely confined to the household, unlike Sparta, so fewer "
        "citizens worked."
    )
    own = (
        "Athens largely kept women at home, unlike Sparta, so its households ran on the labour "
        "of wives."
    )

    assert "thesis_own_words" in codes(gaps(written(build(selection()), copied), selection()))
    assert "thesis_own_words" not in codes(gaps(written(build(selection()), own), selection()))


# Judgements


def test_each_dimension_needs_a_judgement_and_a_sentence():
    chosen = selection(judgements=(Judgement(10, "kind"),))

    found = gaps(build(chosen), chosen)

    assert {(c.code, c.target) for c in found if c.code.startswith("judgement")} >= {
        ("judgement_sentence", "judgement:10"),
        ("judgement_missing", "judgement:11"),
    }


def test_changed_needs_subjects_that_followed_one_another():
    chosen = selection(
        judgements=(Judgement(10, "changed", "It changed."), Judgement(11, "kind", "x y."))
    )

    found = [c for c in gaps(build(chosen), chosen) if c.target == "judgement:10"]
    assert [c.code for c in found] == ["judgement_missing"]
    later = replace(chosen, successive=True)
    assert [c for c in gaps(build(later), later) if c.target == "judgement:10"] == []


def test_a_judgement_copied_from_the_table_is_flagged():
    chosen = selection(
        judgements=(
            Judgement(
                10,
                "kind",
                "Athens had broad schooling in music, letters and athletics for citizen boys.",
                True,
                "why",
            ),
            Judgement(11, "degree", "Sparta relied on helots more."),
        )
    )

    assert ("judgement_own_words", "judgement:10") in {
        (c.code, c.target) for c in gaps(build(chosen), chosen)
    }


# Evidence


def test_evidence_under_the_wrong_dimension_is_flagged():
    misplaced = card(5, SPARTA, ECONOMY, "helots ploughed", "farming", tags=(11,))
    chosen = selection(evidence=EVIDENCE + (misplaced,))
    outline = written(build(chosen))
    economy = next(s for s in outline.sections if s.key == "body:dimension:11")
    education = next(s for s in outline.sections if s.key == "body:dimension:10")
    education.evidence.append(economy.evidence.pop())  # the student moves it

    (found,) = [c for c in gaps(outline, chosen) if c.code == "evidence_wrong_section"]
    assert found.target == "annotation:5" and found.level == "problem"
    assert "economy" in found.message and "education" in found.message


def test_the_passages_tags_count_as_its_dimensions():
    untagged_annotation = card(5, SPARTA, None, "boys ate little", "hunger", tags=(10,))
    chosen = selection(evidence=EVIDENCE + (untagged_annotation,))

    outline = written(build(chosen))

    assert "evidence_wrong_section" not in codes(gaps(outline, chosen))


@pytest.mark.parametrize(
    ("kind", "note"), [("question", "Was it fair?"), ("comment", "Wow"), ("evidence", "Why?")]
)
def test_a_question_or_comment_is_not_evidence(kind, note):
    odd = card(5, SPARTA, EDUCATION, "boys ate little", note, kind=kind)
    chosen = selection(evidence=EVIDENCE + (odd,))

    (found,) = [c for c in gaps(written(build(chosen)), chosen) if c.code == "note_not_evidence"]
    assert found.target == "annotation:5" and found.level == "problem"


def test_a_five_to_one_imbalance_is_flagged():
    many = tuple(card(10 + n, ATHENS, EDUCATION, f"Athenian quote {n}") for n in range(4))
    chosen = selection(evidence=EVIDENCE + many)

    (found,) = [c for c in gaps(written(build(chosen)), chosen) if c.code == "evidence_balance"]
    assert found.target == "body:dimension:10"
    assert "5 pieces on Athens but 1 on Sparta" in found.message


def test_a_missing_side_is_flagged_and_the_teachers_minimum_is_used():
    one_sided = tuple(e for e in EVIDENCE if e.key != "annotation:2")

    (missing,) = [
        c
        for c in gaps(written(build(selection(evidence=one_sided))), selection(evidence=one_sided))
        if c.code == "evidence_balance"
    ]
    assert "Sparta" in missing.message and missing.level == "problem"
    stricter = selection(min_evidence=2)
    found = [c for c in gaps(written(build(stricter)), stricter) if c.code == "evidence_balance"]
    assert {c.target for c in found} == {"body:dimension:10", "body:dimension:11"}
    assert "2 pieces" in found[0].message


def test_a_balanced_outline_passes_its_balance_checks():
    assert "evidence_balance" not in codes(gaps(written(build(selection())), selection()))


# Reasoning and own words


def test_each_body_section_needs_reasoning_in_the_students_words():
    outline = written(build(selection()))
    education = next(s for s in outline.sections if s.key == "body:dimension:10")
    education.reasoning = ""
    for item in education.evidence:
        item.reasoning = ""

    (found,) = [c for c in gaps(outline, selection()) if c.code == "reasoning_missing"]
    assert found.target == "body:dimension:10#reasoning"


def test_reasoning_copied_from_the_text_is_not_the_students():
    outline = written(build(selection()))
    economy = next(s for s in outline.sections if s.key == "body:dimension:11")
    economy.reasoning = "At the age of seven boys were taken from their families into the agoge."

    (found,) = [c for c in gaps(outline, selection()) if c.code == "reasoning_own_words"]
    assert found.target == "body:dimension:11#reasoning" and found.spans


def test_no_evidence_never_passes_an_own_words_check():
    chosen = selection(evidence=())

    found = gaps(written(build(chosen)), chosen)

    assert {"evidence_missing", "evidence_own_words"} <= codes(found)
    assert "reasoning_missing" in codes(found)


def test_ticking_in_my_own_words_without_writing_satisfies_nothing():
    outline = written(build(selection()))
    for section in outline.sections:
        section.reasoning = ""
        for item in section.evidence:
            item.form, item.reasoning = "paraphrase", ""

    found = gaps(outline, selection())

    assert "evidence_own_words" in codes(found)
    assert {c.target for c in found if c.code == "reasoning_missing"} == {
        "body:dimension:10#reasoning",
        "body:dimension:11#reasoning",
    }


def test_summary_table_cells_are_never_evidence_from_the_text():
    cells = tuple(
        Evidence(
            f"contrast:{n}",
            (s,),
            d,
            "",
            statement,
            "summary table",
            form="paraphrase",
            source="table",
        )
        for n, (d, s, statement) in enumerate(
            [
                (10, 1, CELLS[0].statement),
                (10, 2, CELLS[1].statement),
                (11, 1, CELLS[2].statement),
                (11, 2, CELLS[3].statement),
            ]
        )
    )
    chosen = selection(evidence=cells)
    outline = written(build(chosen))

    found = gaps(outline, chosen)

    assert "evidence_table_only" in codes(found)
    # Written "in my own words" beside a cell still is not the student's evidence.
    assert "evidence_own_words" in codes(found)


def test_short_cells_never_make_a_sentence():
    chosen = selection(dimensions=(EDUCATION, ECONOMY, WOMEN))
    outline = build(chosen)

    text = " ".join([outline.thesis, *(s.claim for s in outline.sections), *outline.thesis_frames])
    assert "marked by" not in text and "confined" not in text
