"""The outline builder: from a student's selection to a thesis, sections, evidence and checks.

Plain data in and out, so no database: examples on the Stalin/Khrushchev comparison first, then
properties checked with Hypothesis over arbitrary selections.
"""

import json
import os
import subprocess
import sys
import time
from dataclasses import asdict, replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from essays.builder import (
    STANCES,
    STRUCTURES,
    TRANSITIONS,
    Cell,
    Dimension,
    Evidence,
    Outline,
    Section,
    Selection,
    Subject,
    build,
    check,
    regenerate_section,
    restructure,
)

QUESTION = "How was Khrushchev different from Stalin?"
STALIN = Subject(1, "Stalin")
KHRUSHCHEV = Subject(2, "Khrushchev")
BREZHNEV = Subject(3, "Brezhnev")
LEADERSHIP = Dimension(10, "Leadership style")
DOMESTIC = Dimension(11, "Domestic policy")
FOREIGN = Dimension(12, "Foreign policy")
ECONOMY = Dimension(13, "Economic focus")
SOCIAL = Dimension(14, "Social impact")

CELLS = (
    Cell(10, 1, "Personal dictatorship backed by terror and a massive cult of personality."),
    Cell(10, 2, "Began in a collective leadership, became dominant, but was voted out in 1964."),
    Cell(10, 3, "Stability of cadres and rule by committee."),
    Cell(11, 1, "Great Terror, show trials and a vast Gulag system kept society in fear."),
    Cell(11, 2, "Secret Speech, Gulag releases and the Thaw."),
    Cell(11, 3, "Dissidents were tried and sent to psychiatric hospitals."),
    Cell(12, 1, "Won the war and imposed communism on Eastern Europe."),
    Cell(12, 2, "Peaceful coexistence alongside crises over Hungary, Berlin and Cuba."),
    Cell(12, 3, "Détente with the West and the invasion of Czechoslovakia."),
    Cell(13, 1, "Heavy industry first, consumer goods scarce."),
    Cell(13, 2, "Virgin Lands and more housing."),
    Cell(14, 1, "Fear in daily life."),
    Cell(14, 2, "Safer and somewhat more comfortable lives."),
)

BLANKS = ("[", "]", "{", "}", "___", "TODO", "...", "<", ">")

CODES = {
    "thesis_names_subjects",
    "thesis_names_dimensions",
    "thesis_connective",
    "thesis_significance",
    "thesis_not_empty_pattern",
    "dimension_one_sided",
    "section_without_evidence",
    "one_sided_stance",
    "question_as_evidence",
    "quote_heavy",
}


def evidence(key, subjects, dimension, quote="", note="", citation=None, **extra) -> Evidence:
    ids = tuple(subject.id for subject in subjects)
    dimension_id = dimension.id if isinstance(dimension, Dimension) else dimension
    number = key.split(":")[-1]
    return Evidence(
        key=key,
        subject_ids=ids,
        dimension_id=dimension_id,
        quote=quote,
        note=note,
        citation=citation or f"§1 ¶{number}",
        **extra,
    )


# Each dimension has evidence for both leaders; one linked pair is a similarity.
EVIDENCE = (
    evidence("annotation:1", [STALIN], LEADERSHIP, "a huge cult of personality", "cult"),
    evidence(
        "annotation:2", [KHRUSHCHEV], LEADERSHIP, "none of them were killed", "", form="paraphrase"
    ),
    evidence("annotation:3", [STALIN], DOMESTIC, "around 680,000 people were executed", "terror"),
    evidence(
        "contrast:4", [KHRUSHCHEV], DOMESTIC, "", "Secret Speech, Gulag releases and the Thaw."
    ),
    evidence(
        "annotation:5",
        [STALIN],
        FOREIGN,
        "blockaded West Berlin",
        "",
        relation="similarity",
        pair="link:1",
    ),
    evidence(
        "annotation:6",
        [KHRUSHCHEV],
        FOREIGN,
        "tanks crushed an uprising in Hungary",
        "",
        relation="similarity",
        pair="link:1",
    ),
    evidence(
        "annotation:7",
        [KHRUSHCHEV],
        FOREIGN,
        "he travelled to Belgrade",
        "made peace with Tito",
        relation="difference",
        pair="link:2",
    ),
    evidence(
        "annotation:8",
        [STALIN],
        FOREIGN,
        "He broke with Tito's Yugoslavia in 1948",
        "",
        relation="difference",
        pair="link:2",
    ),
)


def selection(**changes) -> Selection:
    base = Selection(
        question=QUESTION,
        subjects=(STALIN, KHRUSHCHEV),
        dimensions=(LEADERSHIP, DOMESTIC, FOREIGN),
        cells=CELLS,
        evidence=EVIDENCE,
    )
    return replace(base, **changes)


def keys(outline: Outline) -> list[str]:
    return [item.key for section in outline.sections for item in section.evidence]


def section(outline: Outline, key: str) -> Section:
    return next(s for s in outline.sections if s.key == key)


def checks(outline: Outline, code: str):
    return [c for c in outline.checks if c.code == code]


def gaps(outline: Outline, code: str):
    return [c for c in outline.gaps if c.code == code]


def thesis_gaps(outline: Outline) -> list[str]:
    return [c.code for c in outline.gaps if c.target == "thesis" and c.code.startswith("thesis")]


# Every structure and stance


@pytest.mark.parametrize("stance", STANCES)
@pytest.mark.parametrize("structure", STRUCTURES)
def test_every_structure_and_stance_gives_a_whole_outline(structure, stance):
    outline = build(selection(structure=structure, stance=stance))

    roles = [s.role for s in outline.sections]
    assert roles[0] == "introduction"
    assert roles[-2:] == ["counterargument", "conclusion"]
    assert set(roles[1:-2]) <= {"body", "synthesis"}
    assert (outline.structure, outline.stance) == (structure, stance)
    assert sorted(keys(outline)) == sorted(e.key for e in EVIDENCE)
    assert thesis_gaps(outline) == []
    assert {c.code for c in outline.checks} <= CODES


@pytest.mark.parametrize("stance", STANCES)
@pytest.mark.parametrize("structure", STRUCTURES)
def test_three_subjects_work_in_every_structure_and_stance(structure, stance):
    outline = build(
        selection(subjects=(STALIN, KHRUSHCHEV, BREZHNEV), structure=structure, stance=stance)
    )

    assert "Brezhnev" in outline.thesis
    assert thesis_gaps(outline) == []
    assert sorted(keys(outline)) == sorted(e.key for e in EVIDENCE)
    if structure == "point_by_point":
        for body in outline.sections[1:-2]:
            assert body.claim.index("Stalin") < body.claim.index("Khrushchev")
            assert body.claim.index("Khrushchev") < body.claim.index("Brezhnev")


def test_body_sections_follow_the_dimension_order_in_point_by_point():
    outline = build(selection(dimensions=(FOREIGN, LEADERSHIP, DOMESTIC)))

    bodies = [s for s in outline.sections if s.role == "body"]
    assert [s.key for s in bodies] == [
        "body:dimension:12",
        "body:dimension:10",
        "body:dimension:11",
    ]
    assert [s.heading for s in bodies] == ["Foreign policy", "Leadership style", "Domestic policy"]
    assert [s.dimension_id for s in bodies] == [12, 10, 11]


@pytest.mark.parametrize("structure", ["subject_by_subject", "block_synthesis"])
def test_body_sections_follow_the_subject_order_in_subject_blocks(structure):
    outline = build(selection(subjects=(KHRUSHCHEV, STALIN), structure=structure))

    blocks = [s for s in outline.sections if s.role == "body"]
    assert [s.key for s in blocks] == ["body:subject:2", "body:subject:1"]
    assert [s.heading for s in blocks] == ["Khrushchev", "Stalin"]
    assert [s.subject_id for s in blocks] == [2, 1]


def test_subject_order_is_the_same_in_every_point_by_point_section():
    outline = build(selection(subjects=(KHRUSHCHEV, STALIN)))

    for body in (s for s in outline.sections if s.role == "body"):
        order = [item.subject_id for item in body.evidence]
        assert order == sorted(order, key=[2, 1].index), body.key
        assert body.claim.index("Khrushchev") < body.claim.index("Stalin")


def test_point_by_point_claims_are_built_from_the_cells():
    outline = build(selection())

    leadership = section(outline, "body:dimension:10")
    assert leadership.claim == (
        "On leadership style, Stalin's approach was marked by personal dictatorship backed by "
        "terror and a massive cult of personality, whereas Khrushchev began in a collective "
        "leadership, became dominant, but was voted out in 1964."
    )
    domestic = section(outline, "body:dimension:11")
    assert "Great Terror, show trials" in domestic.claim  # a name keeps its capitals


def test_point_by_point_reasoning_asks_why_the_difference_matters_for_the_question():
    outline = build(selection())

    reasoning = section(outline, "body:dimension:12").reasoning
    assert reasoning.startswith("Why does this difference between Stalin and Khrushchev")
    assert "foreign policy" in reasoning
    assert QUESTION in reasoning
    assert "?”?" not in reasoning


def test_evidence_in_a_section_is_in_subject_order_then_in_the_order_given():
    chosen = (
        evidence("annotation:1", [KHRUSHCHEV], LEADERSHIP, "k one"),
        evidence("annotation:2", [STALIN], LEADERSHIP, "s one"),
        evidence("annotation:3", [KHRUSHCHEV], LEADERSHIP, "k two"),
        evidence("annotation:4", [STALIN], LEADERSHIP, "s two"),
    )
    outline = build(selection(evidence=chosen))

    assert [i.quote for i in section(outline, "body:dimension:10").evidence] == [
        "s one",
        "s two",
        "k one",
        "k two",
    ]


def test_evidence_about_several_subjects_goes_under_the_first_chosen_subject():
    both = evidence("annotation:1", [KHRUSHCHEV, STALIN], DOMESTIC, "Both were communists")
    chosen = (evidence("annotation:2", [KHRUSHCHEV], DOMESTIC, "the Thaw"), both)

    point = build(selection(evidence=chosen))
    blocks = build(selection(evidence=chosen, structure="subject_by_subject"))

    assert [i.key for i in section(point, "body:dimension:11").evidence] == [
        "annotation:1",
        "annotation:2",
    ]
    assert section(point, "body:dimension:11").evidence[0].subject_id == STALIN.id
    assert [i.key for i in section(blocks, "body:subject:1").evidence] == ["annotation:1"]


def test_evidence_without_a_dimension_goes_to_the_dimension_its_words_fit():
    chosen = (
        evidence("annotation:1", [STALIN], None, "the cult of personality grew", ""),
        evidence("annotation:2", [KHRUSHCHEV], None, "He liked maize", ""),
    )
    outline = build(selection(evidence=chosen))

    assert keys(outline) == ["annotation:1", "annotation:2"]
    assert [i.key for i in section(outline, "body:dimension:10").evidence] == ["annotation:1"]
    # Nothing in common with any dimension: the last body section.
    assert [i.key for i in section(outline, "body:dimension:12").evidence] == ["annotation:2"]


def test_evidence_of_a_dimension_that_was_not_chosen_is_still_placed():
    chosen = (evidence("annotation:1", [STALIN], ECONOMY, "Magnitogorsk was built"),)

    for structure in STRUCTURES:
        assert keys(build(selection(evidence=chosen, structure=structure))) == ["annotation:1"]


def test_evidence_about_no_chosen_subject_goes_to_a_subject_it_names_or_the_last_block():
    chosen = (
        evidence("annotation:1", [BREZHNEV], LEADERSHIP, "Stalin's heirs kept his system"),
        evidence("annotation:2", [], DOMESTIC, "Nobody knew"),
    )
    outline = build(selection(evidence=chosen, structure="subject_by_subject"))

    assert [i.key for i in section(outline, "body:subject:1").evidence] == ["annotation:1"]
    assert [i.key for i in section(outline, "body:subject:2").evidence] == ["annotation:2"]
    assert all(i.subject_id is None for i in section(outline, "body:subject:2").evidence)


def test_subject_blocks_cover_the_dimensions_in_the_same_order():
    chosen = (
        evidence("annotation:1", [STALIN], FOREIGN, "f"),
        evidence("annotation:2", [STALIN], None, "n"),
        evidence("annotation:3", [STALIN], LEADERSHIP, "l"),
        evidence("annotation:4", [STALIN], DOMESTIC, "d"),
    )
    outline = build(selection(evidence=chosen, structure="subject_by_subject"))

    stalin = section(outline, "body:subject:1")
    assert [i.quote for i in stalin.evidence] == ["l", "d", "f", "n"]
    assert stalin.claim.index("leadership style") < stalin.claim.index("Great Terror")
    assert stalin.claim.index("Great Terror") < stalin.claim.index("Won the war".lower())


def test_block_synthesis_puts_linked_pairs_in_the_synthesis_after_the_blocks():
    outline = build(selection(structure="block_synthesis"))

    assert [s.key for s in outline.sections] == [
        "introduction",
        "body:subject:1",
        "body:subject:2",
        "synthesis",
        "counterargument",
        "conclusion",
    ]
    synthesis = section(outline, "synthesis")
    assert synthesis.role == "synthesis"
    # The difference pair, Stalin's end first; the similarity pair concedes, so it waits.
    assert [i.key for i in synthesis.evidence] == ["annotation:8", "annotation:7"]
    assert "Stalin and Khrushchev" in synthesis.claim
    assert "leadership style, then domestic policy, then foreign policy" in synthesis.reasoning


def test_synthesis_without_links_is_flagged_as_a_section_without_evidence():
    unlinked = tuple(replace(e, pair=None) for e in EVIDENCE)
    outline = build(selection(evidence=unlinked, structure="block_synthesis"))

    assert section(outline, "synthesis").evidence == []
    (gap,) = gaps(outline, "section_without_evidence")
    assert gap.target == "synthesis"
    assert "Link two pieces of evidence" in gap.message


# Thesis


@pytest.mark.parametrize("stance", STANCES)
@pytest.mark.parametrize("subjects", [(STALIN, KHRUSHCHEV), (STALIN, KHRUSHCHEV, BREZHNEV)])
def test_thesis_names_what_was_chosen_and_has_no_blanks(subjects, stance):
    thesis = build(selection(subjects=subjects, stance=stance)).thesis

    for subject in subjects:
        assert subject.name in thesis
    for area in ("leadership style", "domestic policy", "foreign policy"):
        assert area in thesis
    for blank in BLANKS:
        assert blank not in thesis
    assert thesis[0].isupper() and thesis.endswith(".")


def test_thesis_makes_the_cells_concrete():
    thesis = build(selection()).thesis

    assert "personal dictatorship backed by terror" in thesis
    assert "Khrushchev began in a collective leadership" in thesis
    assert "Personal dictatorship" not in thesis  # lower-cased in mid-sentence
    assert "personality." not in thesis  # and without its full stop


@pytest.mark.parametrize(
    ("stance", "position"),
    [
        ("differences", "differ"),
        ("similarities", "alike|shared more|closer together"),
        ("degree", "degree"),
    ],
)
def test_thesis_takes_the_position_of_the_stance(stance, position):
    thesis = build(selection(stance=stance)).thesis

    assert any(word in thesis for word in position.split("|"))


def test_thesis_with_more_than_three_dimensions_names_three_and_counts_the_others():
    outline = build(selection(dimensions=(LEADERSHIP, DOMESTIC, FOREIGN, ECONOMY, SOCIAL)))

    assert "leadership style, domestic policy, foreign policy and two other areas" in (
        outline.thesis
    )
    assert "economic focus" not in outline.thesis
    assert thesis_gaps(outline) == []


def test_thesis_without_cells_falls_back_and_still_passes_its_checks():
    for stance in STANCES:
        outline = build(selection(cells=(), stance=stance))

        assert thesis_gaps(outline) == [], outline.thesis
        for blank in BLANKS:
            assert blank not in outline.thesis


def test_thesis_uses_cells_only_when_every_subject_has_one_for_the_dimension():
    cells = tuple(c for c in CELLS if (c.dimension_id, c.subject_id) != (10, 2))
    thesis = build(selection(cells=cells)).thesis

    assert "Great Terror" in thesis  # domestic policy is the first complete row
    assert thesis_gaps(build(selection(cells=cells))) == []


def test_thesis_pattern_is_chosen_by_the_names_not_by_chance():
    openings = set()
    for first in ("Stalin", "Lenin", "Trotsky", "Bukharin", "Kirov", "Beria"):
        subjects = (Subject(1, first), KHRUSHCHEV)
        thesis = build(selection(subjects=subjects, cells=())).thesis
        assert thesis == build(selection(subjects=subjects, cells=())).thesis
        openings.add(thesis.split(" ")[0])

    assert len(openings) > 1


def test_thesis_follows_the_tense_of_the_question():
    mitosis, meiosis = Subject(1, "Mitosis"), Subject(2, "Meiosis")
    outline = build(
        Selection(
            question="How is meiosis different from mitosis?",
            subjects=(mitosis, meiosis),
            dimensions=(Dimension(1, "Purpose"), Dimension(2, "Outcome")),
            cells=(),
            evidence=(),
        )
    )

    assert "differ " in outline.thesis or "takes" in outline.thesis
    assert "differed" not in outline.thesis


# Introduction, counterargument, conclusion


def test_introduction_sets_the_context_from_the_question_and_ends_with_the_thesis():
    outline = build(selection())
    introduction = outline.sections[0]

    assert introduction.key == "introduction"
    assert QUESTION in introduction.claim
    assert introduction.claim.endswith(outline.thesis)
    assert introduction.evidence == []


def test_counterargument_holds_the_similarities_when_arguing_differences():
    outline = build(selection(stance="differences"))

    counterargument = section(outline, "counterargument")
    assert [i.key for i in counterargument.evidence] == ["annotation:5", "annotation:6"]
    assert {i.relation for i in counterargument.evidence} == {"similarity"}
    assert "alike" in counterargument.claim and "foreign policy" in counterargument.claim
    assert counterargument.transition in TRANSITIONS["concession"]


def test_counterargument_holds_the_differences_when_arguing_similarities():
    outline = build(selection(stance="similarities"))

    counterargument = section(outline, "counterargument")
    assert [i.key for i in counterargument.evidence] == ["annotation:8", "annotation:7"]
    assert "differ" in counterargument.claim


def test_counterargument_without_similarities_invites_one_and_fails_the_stance_check():
    differences = tuple(e for e in EVIDENCE if e.relation != "similarity")
    outline = build(selection(evidence=differences))

    counterargument = section(outline, "counterargument")
    assert counterargument.evidence == []
    assert "similarity" in counterargument.reasoning
    (gap,) = gaps(outline, "one_sided_stance")
    assert gap.target == "counterargument"
    assert "strongest essays explain both" in gap.message


def test_conclusion_answers_the_question_in_fresh_words():
    for stance in STANCES:
        outline = build(selection(stance=stance))
        conclusion = outline.sections[-1]

        assert conclusion.claim.startswith("So the answer is")
        assert "Stalin and Khrushchev" in conclusion.claim
        assert conclusion.claim != outline.thesis
        assert QUESTION in conclusion.reasoning
        assert conclusion.transition in TRANSITIONS["conclusion"]


# Evidence items


@pytest.mark.parametrize("structure", STRUCTURES)
def test_citations_quotes_and_notes_are_carried_through_unchanged(structure):
    chosen = (
        evidence("annotation:1", [STALIN], LEADERSHIP, "“a genius”", "cult", citation="§2 ¶14"),
        evidence("annotation:2", [KHRUSHCHEV], None, "", "note only", citation="§Conclusion ¶3"),
    )
    outline = build(selection(evidence=chosen, structure=structure))

    items = {i.key: i for s in outline.sections for i in s.evidence}
    for original in chosen:
        item = items[original.key]
        assert (item.quote, item.note, item.citation) == (
            original.quote,
            original.note,
            original.citation,
        )


def test_relation_comes_from_the_link_then_from_the_stance():
    chosen = (
        evidence("annotation:1", [STALIN], LEADERSHIP, "a", relation="similarity"),
        evidence("annotation:2", [STALIN], LEADERSHIP, "b", relation="degree"),
        evidence("annotation:3", [STALIN], LEADERSHIP, "c"),
    )

    def relations(stance):
        outline = build(selection(evidence=chosen, stance=stance))
        return {i.key: i.relation for s in outline.sections for i in s.evidence}

    assert relations("differences") == {
        "annotation:1": "similarity",
        "annotation:2": "difference",
        "annotation:3": "difference",
    }
    assert relations("degree")["annotation:3"] == "difference"
    assert relations("similarities")["annotation:3"] == "similarity"


def test_form_is_paraphrase_for_a_matrix_cell_or_when_marked_and_quote_otherwise():
    outline = build(selection())
    forms = {i.key: i.form for s in outline.sections for i in s.evidence}

    assert forms["contrast:4"] == "paraphrase"  # no quote
    assert forms["annotation:2"] == "paraphrase"  # marked so
    assert forms["annotation:1"] == "quote"


def test_commentary_prompts_in_plain_words_about_the_subject_and_dimension():
    outline = build(selection())
    commentary = {i.key: i.commentary for s in outline.sections for i in s.evidence}

    assert commentary["annotation:1"] == (
        "Say in your own words what this shows about Stalin's leadership style."
    )
    assert commentary["annotation:2"] == (
        "Explain what this shows about Khrushchev's leadership style."
    )
    assert "had in common on foreign policy" in commentary["annotation:5"]
    for text in commentary.values():
        for blank in BLANKS:
            assert blank not in text


def test_transitions_come_from_the_compare_and_contrast_bank():
    bank = {phrase for phrases in TRANSITIONS.values() for phrase in phrases}
    for structure in STRUCTURES:
        for stance in STANCES:
            outline = build(selection(structure=structure, stance=stance))
            assert outline.sections[0].transition == ""
            assert all(s.transition in bank for s in outline.sections[1:])

    point = build(selection(stance="differences"))
    assert all(s.transition in TRANSITIONS["contrast"] for s in point.sections if s.role == "body")
    blocks = build(selection(stance="similarities", structure="subject_by_subject"))
    assert section(blocks, "body:subject:2").transition in TRANSITIONS["similarity"]


# Checks


def test_a_balanced_outline_passes_its_balance_checks():
    outline = build(selection())

    assert [c.ok for c in checks(outline, "dimension_one_sided")] == [True, True, True]
    assert all(c.ok for c in checks(outline, "section_without_evidence"))
    assert all(c.ok for c in checks(outline, "one_sided_stance"))
    assert [c.ok for c in checks(outline, "question_as_evidence")] == [True]


def test_no_evidence_leaves_every_section_empty_and_says_what_to_add():
    for structure in STRUCTURES:
        outline = build(selection(evidence=(), structure=structure))

        assert keys(outline) == []
        empty = gaps(outline, "section_without_evidence")
        arguing = [s.key for s in outline.sections if s.role in ("body", "synthesis")]
        assert [c.target for c in empty] == arguing
        assert gaps(outline, "one_sided_stance")
        assert not gaps(outline, "quote_heavy")
        assert not gaps(outline, "question_as_evidence")
        assert thesis_gaps(outline) == []


def test_an_empty_section_asks_to_choose_evidence_as_the_builder_does_not_to_drag_it():
    # The builder offers checkboxes, not drag and drop; the outline editor an "Add" menu.
    for structure in STRUCTURES:
        outline = build(selection(evidence=(), structure=structure))

        for gap in gaps(outline, "section_without_evidence"):
            assert "drag" not in gap.message.lower()
            assert "choose" in gap.message.lower()


def test_a_dimension_with_evidence_for_one_subject_only_is_flagged_on_its_section():
    stalin_only = tuple(e for e in EVIDENCE if e.key != "annotation:2")
    outline = build(selection(evidence=stalin_only))

    (gap,) = gaps(outline, "dimension_one_sided")
    assert gap.target == "body:dimension:10"
    assert "Leadership style has evidence for Stalin but not yet for Khrushchev" in gap.message


@pytest.mark.parametrize("structure", ["subject_by_subject", "block_synthesis"])
def test_a_one_sided_dimension_is_flagged_on_the_thesis_in_subject_blocks(structure):
    stalin_only = tuple(e for e in EVIDENCE if e.key != "annotation:2")
    outline = build(selection(evidence=stalin_only, structure=structure))

    (gap,) = gaps(outline, "dimension_one_sided")
    assert gap.target == "thesis"
    assert "Khrushchev" in gap.message


def test_evidence_for_one_subject_only_flags_every_dimension_and_the_other_block():
    stalin_only = tuple(e for e in EVIDENCE if e.subject_ids == (STALIN.id,))
    point = build(selection(evidence=stalin_only))
    blocks = build(selection(evidence=stalin_only, structure="subject_by_subject"))

    assert [c.target for c in gaps(point, "dimension_one_sided")] == [
        "body:dimension:10",
        "body:dimension:11",
        "body:dimension:12",
    ]
    assert [c.target for c in gaps(blocks, "section_without_evidence")] == ["body:subject:2"]
    assert len(gaps(blocks, "dimension_one_sided")) == 3


def test_three_subjects_flag_the_subject_a_dimension_lacks():
    outline = build(selection(subjects=(STALIN, KHRUSHCHEV, BREZHNEV)))

    messages = [c.message for c in gaps(outline, "dimension_one_sided")]
    assert len(messages) == 3
    assert all("not yet for Brezhnev" in message for message in messages)


def test_all_similarities_fail_the_stance_check():
    alike = tuple(replace(e, relation="similarity") for e in EVIDENCE)
    outline = build(selection(evidence=alike, stance="similarities"))

    (gap,) = gaps(outline, "one_sided_stance")
    assert "Every piece of evidence shows a similarity" in gap.message


def test_questions_are_flagged_as_evidence_that_makes_no_claim():
    chosen = EVIDENCE + (
        evidence("annotation:20", [STALIN], LEADERSHIP, "", "Why did they agree?"),
        evidence("annotation:21", [KHRUSHCHEV], LEADERSHIP, "the Presidium", kind="question"),
        evidence("annotation:22", [KHRUSHCHEV], LEADERSHIP, "Who could stop him?", ""),
    )
    outline = build(selection(evidence=chosen))

    assert [c.target for c in gaps(outline, "question_as_evidence")] == [
        "annotation:20",
        "annotation:21",
        "annotation:22",
    ]
    items = {i.key: i for s in outline.sections for i in s.evidence}
    assert items["annotation:21"].commentary.startswith("This is a question, not a claim")


@pytest.mark.parametrize(("quotes", "flagged"), [(2, False), (3, True), (0, False)])
def test_more_than_half_quotes_nudges_towards_paraphrase(quotes, flagged):
    chosen = tuple(
        evidence(f"annotation:{n}", [STALIN], LEADERSHIP, "words" if n < quotes else "")
        for n in range(4)
    )
    outline = build(selection(evidence=chosen))

    assert bool(gaps(outline, "quote_heavy")) is flagged
    if flagged:
        assert "own words" in gaps(outline, "quote_heavy")[0].message


@pytest.mark.parametrize(
    "thesis",
    [
        "This essay will compare Stalin and Khrushchev on leadership style, domestic policy and "
        "foreign policy, which shows a lot.",
        "Stalin and Khrushchev were similar in some ways and different in others, while their "
        "leadership style, domestic policy and foreign policy matter.",
        "There are many similarities and differences between Stalin and Khrushchev in leadership "
        "style, domestic policy and foreign policy, which is important.",
        "In this essay I will compare Stalin and Khrushchev, whereas leadership style, domestic "
        "policy and foreign policy show why.",
        "Although Stalin and Khrushchev are both similar and different in leadership style, "
        "domestic policy and foreign policy, this shows something.",
    ],
)
def test_empty_thesis_patterns_are_caught(thesis):
    outline = build(selection())
    outline.thesis = thesis

    failed = [c.code for c in check(outline, selection()) if not c.ok]
    assert "thesis_not_empty_pattern" in failed


@pytest.mark.parametrize(
    ("thesis", "failing"),
    [
        (
            "Whereas Stalin ruled by terror, Khrushchev relied on reform in leadership style, "
            "domestic policy and foreign policy, which shows how far the system could change.",
            set(),
        ),
        (
            "Whereas Stalin ruled by terror, his successor relied on reform in leadership style, "
            "domestic policy and foreign policy, which shows how far the system could change.",
            {"thesis_names_subjects"},
        ),
        (
            "Whereas Stalin ruled by terror, Khrushchev relied on reform in leadership style, "
            "which shows how far the system could change.",
            {"thesis_names_dimensions"},
        ),
        (
            "Stalin ruled by terror. Khrushchev relied on reform in leadership style, domestic "
            "policy and foreign policy, which shows how far the system could change.",
            {"thesis_connective"},
        ),
        (
            "Whereas Stalin ruled by terror, Khrushchev relied on reform in leadership style, "
            "domestic policy and foreign policy.",
            {"thesis_significance"},
        ),
        (
            "Whereas Joseph Stalin ruled by terror, Nikita Khrushchev relied on reform in his "
            "leadership style and his domestic policies and foreign policies, which matters.",
            set(),
        ),
        (
            "",
            {
                "thesis_names_subjects",
                "thesis_names_dimensions",
                "thesis_connective",
                "thesis_significance",
                "thesis_not_empty_pattern",
            },
        ),
    ],
)
def test_thesis_checks_read_the_thesis_as_the_student_wrote_it(thesis, failing):
    outline = build(selection())
    outline.thesis = thesis

    failed = {c.code for c in check(outline, selection()) if not c.ok and c.target == "thesis"}
    assert failed & {c for c in CODES if c.startswith("thesis")} == failing


def test_naming_three_of_many_dimensions_needs_the_others_mentioned():
    many = selection(dimensions=(LEADERSHIP, DOMESTIC, FOREIGN, ECONOMY, SOCIAL))
    outline = build(many)
    base = (
        "Whereas Stalin ruled by terror, Khrushchev relied on reform in leadership style, "
        "domestic policy and foreign policy{}, which shows how far the system could change."
    )

    outline.thesis = base.format("")
    assert "thesis_names_dimensions" in {c.code for c in check(outline, many) if not c.ok}
    outline.thesis = base.format(" and two other areas")
    assert "thesis_names_dimensions" not in {c.code for c in check(outline, many) if not c.ok}


def test_check_follows_evidence_the_student_moved():
    outline = build(selection())
    leadership = section(outline, "body:dimension:10")
    domestic = section(outline, "body:dimension:11")
    moved = leadership.evidence.pop()  # Khrushchev's
    domestic.evidence.append(moved)

    (gap,) = [
        c for c in check(outline, selection()) if c.code == "dimension_one_sided" and not c.ok
    ]
    assert gap.target == "body:dimension:10"


def test_a_deleted_section_is_reported_against_the_thesis():
    outline = build(selection())
    outline.sections = [s for s in outline.sections if s.key != "body:dimension:11"]

    failed = [
        c for c in check(outline, selection()) if c.code == "dimension_one_sided" and not c.ok
    ]
    assert [(c.target, "no section" in c.message) for c in failed] == [("thesis", True)]


def test_gaps_are_exactly_the_failing_checks():
    outline = build(selection(evidence=()))

    assert outline.gaps == [c for c in outline.checks if not c.ok]
    assert outline.gaps
    assert all(c.message for c in outline.checks)


# Restructure


def edited(outline: Outline) -> Outline:
    """The student's edits: thesis, frame sections, evidence commentary and marks."""
    outline.thesis = (
        "Whereas Stalin ruled by fear, Khrushchev ruled by persuasion in leadership style, "
        "domestic policy and foreign policy, which shows the system could soften."
    )
    outline.sections[0].claim = "My own introduction."
    section(outline, "counterargument").claim = "My own concession."
    section(outline, "conclusion").reasoning = "My own conclusion plan."
    for s in outline.sections:
        for item in s.evidence:
            item.commentary = f"My note on {item.key}"
    items = {i.key: i for s in outline.sections for i in s.evidence}
    items["annotation:1"].form = "paraphrase"
    items["annotation:3"].relation = "similarity"
    return outline


@pytest.mark.parametrize("start", STRUCTURES)
@pytest.mark.parametrize("target", STRUCTURES)
def test_restructure_keeps_the_thesis_frame_sections_and_evidence_edits(start, target):
    before = edited(build(selection(structure=start)))

    after = restructure(before, selection(), target)

    assert after.structure == target
    assert after.thesis == before.thesis
    for key in ("introduction", "counterargument", "conclusion"):
        assert section(after, key) == section(before, key)
    items = {i.key: i for s in after.sections for i in s.evidence}
    assert sorted(items) == sorted(e.key for e in EVIDENCE)
    assert all(item.commentary == f"My note on {key}" for key, item in items.items())
    assert items["annotation:1"].form == "paraphrase"
    assert items["annotation:3"].relation == "similarity"
    assert [c.code for c in after.checks] == [c.code for c in check(after, selection())]


def test_restructure_builds_the_body_of_the_new_structure():
    point = build(selection())

    blocks = restructure(point, selection(), "subject_by_subject")

    fresh = build(selection(structure="subject_by_subject"))
    assert [s.key for s in blocks.sections] == [s.key for s in fresh.sections]
    assert section(blocks, "body:subject:1") == section(fresh, "body:subject:1")


def test_restructure_between_subject_blocks_keeps_the_edited_block_claims():
    blocks = build(selection(structure="subject_by_subject"))
    section(blocks, "body:subject:1").claim = "Stalin, in my words."

    with_synthesis = restructure(blocks, selection(), "block_synthesis")

    assert section(with_synthesis, "body:subject:1").claim == "Stalin, in my words."
    assert section(with_synthesis, "synthesis").evidence  # the difference pair moved here


def test_restructure_keeps_evidence_the_student_moved_into_or_out_of_the_counterargument():
    outline = build(selection())
    counterargument = section(outline, "counterargument")
    leadership = section(outline, "body:dimension:10")
    leadership.evidence.append(counterargument.evidence.pop())  # annotation:6 back to the body
    counterargument.evidence.append(leadership.evidence.pop(0))  # annotation:1 conceded

    blocks = restructure(outline, selection(), "subject_by_subject")

    assert [i.key for i in section(blocks, "counterargument").evidence] == [
        "annotation:5",
        "annotation:1",
    ]
    assert "annotation:6" in [i.key for i in section(blocks, "body:subject:2").evidence]


def test_restructure_places_new_evidence_as_build_would():
    outline = build(selection())
    more = EVIDENCE + (
        evidence(
            "annotation:30", [STALIN], DOMESTIC, "both used censorship", relation="similarity"
        ),
        evidence("annotation:31", [KHRUSHCHEV], DOMESTIC, "the Thaw"),
    )

    blocks = restructure(outline, selection(evidence=more), "subject_by_subject")

    assert section(blocks, "counterargument").evidence[-1].key == "annotation:30"
    assert "annotation:31" in [i.key for i in section(blocks, "body:subject:2").evidence]


def test_restructure_drops_evidence_no_longer_in_the_selection():
    outline = build(selection())
    fewer = tuple(e for e in EVIDENCE if e.key not in ("annotation:1", "annotation:5"))

    blocks = restructure(outline, selection(evidence=fewer), "block_synthesis")

    assert sorted(keys(blocks)) == sorted(e.key for e in fewer)


def test_restructure_to_the_same_structure_changes_nothing():
    outline = edited(build(selection()))

    again = restructure(outline, selection(), "point_by_point")

    assert again.sections == outline.sections
    assert again.thesis == outline.thesis
    assert again is not outline


def test_restructure_rejects_an_unknown_structure():
    with pytest.raises(ValueError, match="Unknown structure"):
        restructure(build(selection()), selection(), "chronological")


# Regenerate one section


@pytest.mark.parametrize("structure", STRUCTURES)
def test_regenerating_a_section_leaves_every_other_section_and_the_thesis_identical(structure):
    before = edited(build(selection(structure=structure)))
    for s in before.sections:
        s.claim = f"Edited {s.key}"
        s.reasoning = f"Edited reasoning {s.key}"

    for target in [s.key for s in before.sections]:
        after = regenerate_section(before, selection(), target)

        assert after.thesis == before.thesis
        assert after.title == before.title
        assert [s.key for s in after.sections] == [s.key for s in before.sections]
        for old, new in zip(before.sections, after.sections, strict=True):
            if old.key != target:
                assert new == old
            else:
                assert new.claim != old.claim
        assert sorted(keys(after)) == sorted(keys(before))


def test_regenerating_a_section_restores_its_generated_text_and_keeps_evidence_edits():
    fresh = build(selection())
    outline = edited(build(selection()))
    section(outline, "body:dimension:10").claim = "Scribbled over."

    after = regenerate_section(outline, selection(), "body:dimension:10")

    regenerated = section(after, "body:dimension:10")
    assert regenerated.claim == section(fresh, "body:dimension:10").claim
    assert [i.commentary for i in regenerated.evidence] == [
        "My note on annotation:1",
        "My note on annotation:2",
    ]


def test_regenerating_a_section_keeps_evidence_moved_in_and_does_not_copy_evidence_moved_out():
    outline = build(selection())
    leadership = section(outline, "body:dimension:10")
    domestic = section(outline, "body:dimension:11")
    domestic.evidence.append(leadership.evidence.pop())  # annotation:2 moved away
    leadership.evidence.append(section(outline, "body:dimension:12").evidence.pop())

    after = regenerate_section(outline, selection(), "body:dimension:10")

    assert [i.key for i in section(after, "body:dimension:10").evidence] == [
        "annotation:1",
        "annotation:7",
    ]
    assert sorted(keys(after)) == sorted(keys(outline))


def test_regenerating_the_introduction_uses_the_current_thesis():
    outline = edited(build(selection()))

    after = regenerate_section(outline, selection(), "introduction")

    assert after.sections[0].claim.endswith(outline.thesis)


def test_regenerating_a_deleted_section_puts_it_back_in_its_place():
    outline = build(selection())
    outline.sections = [s for s in outline.sections if s.key != "counterargument"]

    after = regenerate_section(outline, selection(), "counterargument")

    assert [s.key for s in after.sections][-2:] == ["counterargument", "conclusion"]
    assert [i.key for i in section(after, "counterargument").evidence] == [
        "annotation:5",
        "annotation:6",
    ]


def test_regenerating_a_section_the_structure_lacks_is_a_key_error():
    with pytest.raises(KeyError):
        regenerate_section(build(selection()), selection(), "synthesis")


# Determinism, scale, bad input


def test_the_same_selection_always_gives_the_same_outline():
    for structure in STRUCTURES:
        for stance in STANCES:
            chosen = selection(structure=structure, stance=stance)
            assert asdict(build(chosen)) == asdict(build(chosen))


def test_the_outline_does_not_depend_on_the_process_hash_seed():
    script = (
        "import json, dataclasses\n"
        "from tests.essays.test_builder import selection\n"
        "from essays.builder import build, STRUCTURES\n"
        "print(json.dumps([dataclasses.asdict(build(selection(structure=s))) for s in STRUCTURES]))"
    )
    root = Path(__file__).resolve().parents[2]
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(root)}
        run = subprocess.run(
            [sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True
        )
        assert run.returncode == 0, run.stderr
        outputs.append(json.loads(run.stdout))

    assert outputs[0] == outputs[1]


def sixty() -> tuple[Evidence, ...]:
    subjects = (STALIN, KHRUSHCHEV, BREZHNEV)
    dimensions = (LEADERSHIP, DOMESTIC, FOREIGN, ECONOMY, SOCIAL, None)
    return tuple(
        evidence(
            f"annotation:{n}",
            [subjects[n % 3]] + ([subjects[(n + 1) % 3]] if n % 7 == 0 else []),
            dimensions[n % 6],
            f"quote {n}" if n % 2 else "",
            f"note {n}?" if n % 11 == 0 else f"note {n}",
            relation=(None, "difference", "similarity", "degree")[n % 4],
            pair=f"link:{n // 2}" if n % 5 < 2 else None,
        )
        for n in range(60)
    )


@pytest.mark.parametrize("stance", STANCES)
@pytest.mark.parametrize("structure", STRUCTURES)
def test_sixty_pieces_of_evidence_are_each_placed_once_and_quickly(structure, stance):
    chosen = selection(
        subjects=(STALIN, KHRUSHCHEV, BREZHNEV),
        dimensions=(LEADERSHIP, DOMESTIC, FOREIGN, ECONOMY, SOCIAL),
        evidence=sixty(),
        structure=structure,
        stance=stance,
    )

    started = time.perf_counter()
    outline = build(chosen)
    others = [restructure(outline, chosen, s) for s in STRUCTURES]
    regenerated = [regenerate_section(outline, chosen, s.key) for s in outline.sections]
    elapsed = time.perf_counter() - started

    assert elapsed < 2
    expected = sorted(e.key for e in chosen.evidence)
    for result in [outline, *others, *regenerated]:
        assert sorted(keys(result)) == expected


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"structure": "chronological"}, "Unknown structure"),
        ({"stance": "neutral"}, "Unknown stance"),
        ({"evidence": EVIDENCE + EVIDENCE[:1]}, "unique"),
        ({"subjects": (STALIN, STALIN)}, "chosen twice"),
    ],
)
def test_a_malformed_selection_is_rejected_with_a_clear_error(changes, message):
    with pytest.raises(ValueError, match=message):
        build(selection(**changes))


@pytest.mark.parametrize("subjects", [(), (STALIN,)])
def test_fewer_than_two_subjects_still_places_everything_and_asks_for_another(subjects):
    for structure in STRUCTURES:
        outline = build(selection(subjects=subjects, structure=structure))

        assert sorted(keys(outline)) == sorted(e.key for e in EVIDENCE)
        (gap,) = gaps(outline, "thesis_names_subjects")
        assert "at least two subjects" in gap.message


def test_point_by_point_with_no_dimension_keeps_the_evidence_in_one_section():
    outline = build(selection(dimensions=()))

    (body,) = [s for s in outline.sections if s.role == "body"]
    assert body.key == "body:evidence"
    assert sorted(keys(outline)) == sorted(e.key for e in EVIDENCE)
    assert "thesis_names_dimensions" in [c.code for c in outline.gaps]


# Properties

names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=10).map(str.title)


@st.composite
def selections(draw) -> Selection:
    subjects = tuple(
        Subject(n + 1, name)
        for n, name in enumerate(draw(st.lists(names, min_size=2, max_size=4, unique_by=str.lower)))
    )
    dimensions = tuple(
        Dimension(100 + n, f"{name} area")
        for n, name in enumerate(draw(st.lists(names, max_size=5, unique_by=str.lower)))
    )
    cells = tuple(
        Cell(d.id, s.id, draw(st.sampled_from(["Won the war.", "Fear in daily life.", "x"])))
        for d in dimensions
        for s in subjects
        if draw(st.booleans())
    )
    subject_ids = [s.id for s in subjects] + [99]
    dimension_ids = [d.id for d in dimensions] + [None, 999]
    chosen = []
    for n in range(draw(st.integers(0, 25))):
        chosen.append(
            Evidence(
                key=f"annotation:{n}",
                subject_ids=tuple(
                    draw(st.lists(st.sampled_from(subject_ids), max_size=3, unique=True))
                ),
                dimension_id=draw(st.sampled_from(dimension_ids)),
                quote=draw(st.sampled_from(["", "the words", "Was it?"])),
                note=draw(st.sampled_from(["", "a note", "the war area"])),
                citation=f"§{n} ¶{n}",
                kind=draw(st.sampled_from(["evidence", "question", "comment"])),
                relation=draw(st.sampled_from([None, "difference", "similarity", "degree"])),
                pair=draw(st.sampled_from([None, "a", "b", "c"])),
                form=draw(st.sampled_from(["quote", "paraphrase"])),
            )
        )
    return Selection(
        question=draw(st.sampled_from(["", QUESTION, "How is one different from the other?"])),
        subjects=subjects,
        dimensions=dimensions,
        cells=cells,
        evidence=tuple(chosen),
        structure=draw(st.sampled_from(STRUCTURES)),
        stance=draw(st.sampled_from(STANCES)),
    )


@settings(max_examples=150, deadline=None)
@given(selections())
def test_every_evidence_key_is_placed_exactly_once_by_every_operation(chosen):
    expected = sorted(e.key for e in chosen.evidence)
    outline = build(chosen)

    assert sorted(keys(outline)) == expected
    for structure in STRUCTURES:
        assert sorted(keys(restructure(outline, chosen, structure))) == expected
    for s in outline.sections:
        assert sorted(keys(regenerate_section(outline, chosen, s.key))) == expected


@settings(max_examples=150, deadline=None)
@given(selections())
def test_a_built_thesis_passes_its_own_checks_and_has_no_blanks(chosen):
    outline = build(chosen)

    for blank in BLANKS:
        assert blank not in outline.thesis
    failed = set(thesis_gaps(outline))
    assert failed <= ({"thesis_names_dimensions"} if not chosen.dimensions else set())
    assert asdict(outline) == asdict(build(chosen))
