"""The outline builder: from a student's selection and judgements to an outline skeleton.

The builder scaffolds and the student writes: these tests pin where sections and evidence go,
what the judgements decide, and that no prose is made up for the student. Plain data in and
out, so no database: examples on the Stalin/Khrushchev comparison first, then properties
checked with Hypothesis over arbitrary selections. The checks have their own file
(test_builder_checks.py).
"""

import json
import os
import subprocess
import sys
from dataclasses import asdict, replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from essays.builder import (
    KINDS,
    STANCES,
    STRUCTURES,
    Cell,
    Dimension,
    Evidence,
    Judgement,
    Outline,
    Section,
    Selection,
    Subject,
    build,
    check,
    example_thesis,
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

BLANK = "___"


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


def bodies(outline: Outline) -> list[Section]:
    return [s for s in outline.sections if s.role == "body"]


def judged(*judgements: Judgement, **changes) -> Selection:
    return selection(judgements=judgements, **changes)


def written_by_the_builder(outline: Outline) -> list[str]:
    """Every box that is the student's: the builder must leave each one empty."""
    return [
        outline.thesis,
        *(s.claim for s in outline.sections),
        *(s.reasoning for s in outline.sections),
        *(item.reasoning for s in outline.sections for item in s.evidence),
    ]


# The student writes: nothing is written for them


@pytest.mark.parametrize("stance", [None, *STANCES])
@pytest.mark.parametrize("structure", STRUCTURES)
def test_every_structure_gives_a_whole_skeleton_with_every_box_empty(structure, stance):
    outline = build(selection(structure=structure, stance=stance))

    roles = [s.role for s in outline.sections]
    assert roles[0] == "introduction"
    assert roles[-3:] == ["counterargument", "complexity", "conclusion"]
    assert set(roles[1:-3]) <= {"body", "synthesis"}
    assert (outline.structure, outline.stance) == (structure, stance)
    assert sorted(keys(outline)) == sorted(e.key for e in EVIDENCE)
    assert set(written_by_the_builder(outline)) == {""}


def test_frames_and_prompts_are_offered_beside_the_boxes_never_inside_them():
    outline = build(selection())

    assert outline.thesis_frames and all(BLANK in frame for frame in outline.thesis_frames)
    assert any("because" in prompt for prompt in outline.thesis_prompts)
    for s in outline.sections:
        assert s.prompt, s.key
        assert s.frames and all(BLANK in frame for frame in s.frames), s.key
    leadership = section(outline, "body:dimension:10")
    assert "This shows ___ because ___." in leadership.frames
    assert leadership.frames[0].startswith("On leadership style, Stalin ___")


def test_no_frame_or_prompt_carries_a_word_of_the_matrix():
    outline = build(selection())
    offered = " ".join(
        [*outline.thesis_frames, *(f for s in outline.sections for f in s.frames)]
        + [s.prompt for s in outline.sections]
    ).lower()

    for phrase in ("dictatorship", "great terror", "secret speech", "virgin lands", "détente"):
        assert phrase not in offered


def test_the_scaffolding_setting_decides_how_many_frames_are_shown():
    full = build(selection(scaffolding="on"))
    light = build(selection(scaffolding="light"))
    off = build(selection(scaffolding="off"))

    assert len(full.thesis_frames) > 1 and len(light.thesis_frames) == 1
    assert off.thesis_frames == [] and all(s.frames == [] for s in off.sections)
    assert all(len(s.frames) == 1 for s in light.sections)
    assert all(s.prompt for s in off.sections)  # questions stay even without frames


def test_the_essay_question_is_what_the_frames_and_prompts_answer():
    question = "To what extent was Khrushchev's rule a break with Stalin's?"
    outline = build(selection(question=question))

    assert outline.question == question and outline.title == question
    assert question in section(outline, "conclusion").prompt
    # "To what extent" wants a judgement of degree: the first frame asks for one.
    assert outline.thesis_frames[0].startswith("To a large / limited extent")


def test_a_successive_comparison_offers_change_and_continuity():
    later = build(selection(successive=True))
    apart = build(selection(successive=False))

    assert any("changed" in f for f in later.thesis_frames)
    assert not any("changed" in f for f in apart.thesis_frames)
    assert "What changed" in section(later, "complexity").prompt
    assert "What changed" not in section(apart, "complexity").prompt


# Judgements decide sections, order and the counterargument


def test_the_most_significant_dimension_comes_first():
    outline = build(judged(Judgement(12, "kind", most_significant=True)))

    assert [s.key for s in bodies(outline)] == [
        "body:dimension:12",
        "body:dimension:10",
        "body:dimension:11",
    ]


def test_a_dimension_judged_alike_becomes_the_counterargument():
    outline = build(judged(Judgement(10, "kind"), Judgement(11, "degree"), Judgement(12, "alike")))

    assert [s.key for s in bodies(outline)] == ["body:dimension:10", "body:dimension:11"]
    conceded = [i.key for i in section(outline, "counterargument").evidence]
    assert sorted(conceded) == ["annotation:5", "annotation:6", "annotation:7", "annotation:8"]
    assert "foreign policy" in section(outline, "counterargument").prompt


def test_judging_most_dimensions_alike_argues_likeness_and_concedes_the_difference():
    outline = build(judged(Judgement(10, "alike"), Judgement(11, "alike"), Judgement(12, "kind")))

    assert [s.key for s in bodies(outline)] == ["body:dimension:10", "body:dimension:11"]
    counter = section(outline, "counterargument")
    assert {i.key for i in counter.evidence} == {f"annotation:{n}" for n in (5, 6, 7, 8)}
    assert "different" in counter.prompt


def test_every_dimension_judged_the_other_way_still_leaves_a_body():
    outline = build(judged(Judgement(10, "alike"), Judgement(11, "alike"), Judgement(12, "alike")))

    assert len(bodies(outline)) == 3
    assert sorted(keys(outline)) == sorted(e.key for e in EVIDENCE)


def test_a_judgement_gives_its_section_matching_prompt_frame_and_transition():
    outline = build(judged(Judgement(10, "degree"), Judgement(11, "kind")))

    leadership = section(outline, "body:dimension:10")
    domestic = section(outline, "body:dimension:11")
    assert "How big is the gap" in leadership.prompt
    assert "went further" in leadership.frames[0]
    assert leadership.transition == "To a lesser extent,"
    assert "whereas" in domestic.frames[0]
    assert domestic.transition == "By contrast,"
    # No judgement yet: no transition is guessed, and the prompt asks for the judgement.
    foreign = section(outline, "body:dimension:12")
    assert foreign.transition == ""
    assert foreign.prompt.startswith("First judge")


def test_changed_and_continued_count_only_for_successive_subjects():
    chosen = (Judgement(10, "changed"), Judgement(11, "continued"))

    later = build(judged(*chosen, successive=True))
    apart = build(judged(*chosen, successive=False))

    assert section(later, "body:dimension:10").transition == "By the time of"
    assert section(apart, "body:dimension:10").transition == ""


def test_the_complexity_section_follows_the_judgements():
    outline = build(judged(Judgement(10, "degree"), Judgement(11, "alike")))

    prompt = section(outline, "complexity").prompt
    assert "Why did they differ?" in prompt  # causation, always
    assert "how big is the gap" in prompt  # a difference of degree
    assert "still something they share" in prompt  # a similarity inside a difference


def test_an_unknown_judgement_is_rejected():
    with pytest.raises(ValueError, match="Unknown judgement"):
        build(judged(Judgement(10, "sideways")))


# Relations are the student's (or a link's), never the stance's


@pytest.mark.parametrize("stance", [None, *STANCES])
def test_relations_come_from_links_only_and_never_from_the_stance(stance):
    outline = build(selection(stance=stance))
    items = {i.key: i for s in outline.sections for i in s.evidence}

    assert items["annotation:5"].relation == "similarity"
    assert items["annotation:7"].relation == "difference"
    for key in ("annotation:1", "annotation:2", "annotation:3", "contrast:4"):
        assert items[key].relation is None


@pytest.mark.parametrize("stance", STANCES)
def test_a_note_saying_like_stalin_did_is_not_labelled_a_difference(stance):
    alike = evidence("annotation:40", [KHRUSHCHEV], FOREIGN, "sent tanks", "like Stalin did")

    outline = build(selection(evidence=(alike,), stance=stance))

    (item,) = [i for s in outline.sections for i in s.evidence]
    assert item.relation is None


# Evidence cards


@pytest.mark.parametrize("structure", STRUCTURES)
def test_citations_quotes_notes_and_sources_are_carried_through_unchanged(structure):
    table = evidence("contrast:9", [STALIN], LEADERSHIP, "", "Rule by terror.", source="table")
    classmate = evidence(
        "annotation:10", [KHRUSHCHEV], LEADERSHIP, "no one was shot", "mercy", source="classmate"
    )
    outline = build(selection(evidence=EVIDENCE + (table, classmate), structure=structure))
    items = {i.key: i for s in outline.sections for i in s.evidence}

    for chosen in EVIDENCE:
        item = items[chosen.key]
        expected = (chosen.quote, chosen.note, chosen.citation)
        assert (item.quote, item.note, item.citation) == expected
    assert items["contrast:9"].source == "table" and items["contrast:9"].form == "paraphrase"
    assert "summary table" in items["contrast:9"].prompt
    assert items["annotation:10"].source == "classmate"


def test_form_is_paraphrase_for_a_matrix_cell_or_when_marked_and_quote_otherwise():
    items = {i.key: i for s in build(selection()).sections for i in s.evidence}

    assert items["contrast:4"].form == "paraphrase"
    assert items["annotation:2"].form == "paraphrase"
    assert items["annotation:1"].form == "quote"


# Example thesis


def test_the_example_thesis_is_made_only_of_the_students_judgement_sentences():
    judgements = [
        Judgement(
            10,
            "kind",
            "Stalin ruled through terror whereas Khrushchev ruled by persuasion",
            True,
            "fear decided how people lived",
        ),
        Judgement(12, "alike", "Both kept a grip on Eastern Europe."),
    ]

    example = example_thesis(judgements, [LEADERSHIP, DOMESTIC, FOREIGN])

    assert example == (
        "Although both kept a grip on Eastern Europe, Stalin ruled through terror whereas "
        "Khrushchev ruled by persuasion, which matters because fear decided how people lived."
    )
    for cell in CELLS:
        assert cell.statement.rstrip(".").lower() not in example.lower()


def test_no_example_without_a_sentence_of_the_students_own():
    assert example_thesis([Judgement(10, "kind")], [LEADERSHIP]) == ""
    assert example_thesis([], [LEADERSHIP]) == ""


# Placement


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

    assert [i.quote for i in section(outline, "body:subject:1").evidence] == ["l", "d", "f", "n"]


def test_block_synthesis_puts_linked_pairs_in_the_synthesis_after_the_blocks():
    outline = build(selection(structure="block_synthesis"))

    assert [s.key for s in outline.sections] == [
        "introduction",
        "body:subject:1",
        "body:subject:2",
        "synthesis",
        "counterargument",
        "complexity",
        "conclusion",
    ]
    synthesis = section(outline, "synthesis")
    # The difference pair, Stalin's end first; the similarity pair concedes, so it waits.
    assert [i.key for i in synthesis.evidence] == ["annotation:8", "annotation:7"]
    assert "leadership style, then domestic policy, then foreign policy" in synthesis.prompt


def test_the_counterargument_holds_what_the_student_or_a_link_marked_as_the_other_side():
    outline = build(selection())

    assert [i.key for i in section(outline, "counterargument").evidence] == [
        "annotation:5",
        "annotation:6",
    ]


# Restructure


def edited(outline: Outline) -> Outline:
    """The student's edits: thesis, frame sections, evidence reasoning and marks."""
    outline.thesis = "Stalin ruled by fear whereas Khrushchev persuaded, so the system softened."
    outline.sections[0].claim = "My own introduction."
    section(outline, "counterargument").claim = "My own concession."
    section(outline, "conclusion").reasoning = "My own conclusion plan."
    for s in outline.sections:
        for item in s.evidence:
            item.reasoning = f"My note on {item.key}"
    items = {i.key: i for s in outline.sections for i in s.evidence}
    items["annotation:1"].form = "paraphrase"
    items["annotation:3"].relation = "degree"
    return outline


@pytest.mark.parametrize("start", STRUCTURES)
@pytest.mark.parametrize("target", STRUCTURES)
def test_restructure_keeps_the_thesis_frame_sections_and_evidence_edits(start, target):
    before = edited(build(selection(structure=start)))

    after = restructure(before, selection(), target)

    assert after.structure == target
    assert after.thesis == before.thesis
    for key in ("introduction", "counterargument", "complexity", "conclusion"):
        assert section(after, key) == section(before, key)
    items = {i.key: i for s in after.sections for i in s.evidence}
    assert sorted(items) == sorted(e.key for e in EVIDENCE)
    assert all(item.reasoning == f"My note on {key}" for key, item in items.items())
    assert items["annotation:1"].form == "paraphrase"
    assert items["annotation:3"].relation == "degree"
    assert [c.code for c in after.checks] == [c.code for c in check(after, selection())]


def test_restructure_between_subject_blocks_keeps_the_edited_block_claims():
    blocks = build(selection(structure="subject_by_subject"))
    section(blocks, "body:subject:1").claim = "Stalin, in my words."

    with_synthesis = restructure(blocks, selection(), "block_synthesis")

    assert section(with_synthesis, "body:subject:1").claim == "Stalin, in my words."
    assert section(with_synthesis, "synthesis").evidence  # the difference pair moved here


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
def test_regenerating_a_section_keeps_the_students_words_everywhere(structure):
    before = edited(build(selection(structure=structure)))
    for s in before.sections:
        s.claim = f"Edited {s.key}"
        s.reasoning = f"Edited reasoning {s.key}"

    for target in [s.key for s in before.sections]:
        after = regenerate_section(before, selection(), target)

        assert after.thesis == before.thesis
        assert [s.key for s in after.sections] == [s.key for s in before.sections]
        for old, new in zip(before.sections, after.sections, strict=True):
            assert (new.claim, new.reasoning) == (old.claim, old.reasoning)
            if old.key != target:
                assert new == old
        assert sorted(keys(after)) == sorted(keys(before))


def test_regenerating_a_section_restores_its_frames_and_keeps_evidence_edits():
    fresh = build(selection())
    outline = edited(build(selection()))
    section(outline, "body:dimension:10").frames = []
    section(outline, "body:dimension:10").prompt = "Scribbled over."

    after = regenerate_section(outline, selection(), "body:dimension:10")

    regenerated = section(after, "body:dimension:10")
    assert regenerated.frames == section(fresh, "body:dimension:10").frames
    assert regenerated.prompt == section(fresh, "body:dimension:10").prompt
    assert [i.reasoning for i in regenerated.evidence] == [
        "My note on annotation:1",
        "My note on annotation:2",
    ]


def test_regenerating_a_deleted_section_puts_it_back_in_its_place():
    outline = build(selection())
    outline.sections = [s for s in outline.sections if s.key != "counterargument"]

    after = regenerate_section(outline, selection(), "counterargument")

    assert [s.key for s in after.sections][-3:] == ["counterargument", "complexity", "conclusion"]
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


@pytest.mark.parametrize("structure", STRUCTURES)
def test_sixty_pieces_of_evidence_are_each_placed_once(structure):
    chosen = selection(
        subjects=(STALIN, KHRUSHCHEV, BREZHNEV),
        dimensions=(LEADERSHIP, DOMESTIC, FOREIGN, ECONOMY, SOCIAL),
        evidence=sixty(),
        structure=structure,
        judgements=(Judgement(10, "alike"), Judgement(13, "kind", most_significant=True)),
    )

    outline = build(chosen)
    others = [restructure(outline, chosen, s) for s in STRUCTURES]
    regenerated = [regenerate_section(outline, chosen, s.key) for s in outline.sections]

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
def test_fewer_than_two_subjects_still_places_everything(subjects):
    for structure in STRUCTURES:
        outline = build(selection(subjects=subjects, structure=structure))

        assert sorted(keys(outline)) == sorted(e.key for e in EVIDENCE)


def test_point_by_point_with_no_dimension_keeps_the_evidence_in_one_section():
    outline = build(selection(dimensions=()))

    (body,) = bodies(outline)
    assert body.key == "body:evidence"
    assert sorted(keys(outline)) == sorted(e.key for e in EVIDENCE)


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


@st.composite
def judged_selections(draw) -> Selection:
    chosen = draw(selections())
    judgements = tuple(
        Judgement(
            d.id,
            draw(st.sampled_from([None, *KINDS])),
            draw(st.sampled_from(["", "My own sentence."])),
            draw(st.booleans()),
        )
        for d in chosen.dimensions
        if draw(st.booleans())
    )
    return replace(
        chosen,
        judgements=judgements,
        successive=draw(st.booleans()),
        stance=draw(st.sampled_from([None, *STANCES])),
        scaffolding=draw(st.sampled_from(["on", "light", "off"])),
    )


@settings(max_examples=150, deadline=None)
@given(judged_selections())
def test_every_evidence_key_is_placed_exactly_once_by_every_operation(chosen):
    expected = sorted(e.key for e in chosen.evidence)
    outline = build(chosen)

    assert sorted(keys(outline)) == expected
    for structure in STRUCTURES:
        assert sorted(keys(restructure(outline, chosen, structure))) == expected
    for s in outline.sections:
        assert sorted(keys(regenerate_section(outline, chosen, s.key))) == expected


@settings(max_examples=200, deadline=None)
@given(judged_selections())
def test_the_builder_stores_no_generated_prose(chosen):
    """Whatever is chosen, every box that is the student's is empty, every frame is a frame
    (it has a blank), no relation is invented, and nothing is copied from the matrix."""
    outline = build(chosen)

    assert set(written_by_the_builder(outline)) <= {""}
    given_relations = {e.key: e.relation for e in chosen.evidence}
    for s in outline.sections:
        assert all(BLANK in frame for frame in s.frames)
        for item in s.evidence:
            assert item.relation == given_relations[item.key]
    assert all(BLANK in frame for frame in outline.thesis_frames)
    assert asdict(outline) == asdict(build(chosen))
