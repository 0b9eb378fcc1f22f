from essays.draft_checks import Paragraph, check, word_count

SUBJECTS = ["Joseph Stalin", "Nikita Khrushchev"]
THESIS = "Whereas Stalin ruled through terror, Khrushchev tried to govern through reform."


def para(key="body:dimension:1", role="body", text="", comparative=True, heading="Leadership"):
    return Paragraph(key=key, role=role, heading=heading, text=text, comparative=comparative)


def codes(checks, ok):
    return sorted(c.code for c in checks if c.ok is ok)


def test_a_body_paragraph_without_a_citation_is_flagged():
    checks = check(
        [para(text="Stalin ruled by fear while Khrushchev relaxed it.")],
        thesis=THESIS,
        subjects=SUBJECTS,
    )

    assert "cites_evidence" in codes(checks, False)


def test_citations_in_the_short_form_count():
    for citation in ("(§2 ¶5)", "(¶12)", "§ 3 ¶ 4"):
        checks = check(
            [para(text=f"Stalin and Khrushchev differed {citation}.")],
            thesis=THESIS,
            subjects=SUBJECTS,
        )
        assert "cites_evidence" in codes(checks, True)


def test_a_comparative_paragraph_must_mention_both_subjects_surnames_count():
    one_sided = check([para(text="Stalin ruled by fear (¶3).")], thesis=THESIS, subjects=SUBJECTS)
    both = check(
        [para(text="Stalin ruled by fear, Khrushchev did not (¶3).")],
        thesis=THESIS,
        subjects=SUBJECTS,
    )

    assert "mentions_both" in codes(one_sided, False)
    assert "mentions_both" in codes(both, True)


def test_a_subject_block_need_not_mention_both():
    checks = check(
        [para(text="Stalin ruled by fear (¶3).", comparative=False)],
        thesis=THESIS,
        subjects=SUBJECTS,
    )

    assert "mentions_both" not in codes(checks, False) + codes(checks, True)


def test_the_thesis_must_stay_in_the_introduction():
    kept = check(
        [para("introduction", "introduction", f"Some context. {THESIS}", False)],
        thesis=THESIS,
        subjects=SUBJECTS,
    )
    lost = check(
        [para("introduction", "introduction", "Some context only.", False)],
        thesis=THESIS,
        subjects=SUBJECTS,
    )
    reworded = check(
        [
            para(
                "introduction",
                "introduction",
                "Context. Whereas Stalin ruled through terror, Khrushchev tried to "
                "govern mostly through reform.",
                False,
            )
        ],
        thesis=THESIS,
        subjects=SUBJECTS,
    )

    assert "thesis_in_introduction" in codes(kept, True)
    assert "thesis_in_introduction" in codes(lost, False)
    assert "thesis_in_introduction" in codes(reworded, True)


def test_long_quotes_are_flagged_short_ones_are_not():
    long_quote = "“" + " ".join(["word"] * 30) + "”"
    checks = check(
        [para(text=f"Stalin and Khrushchev: {long_quote} (¶2) and “a cult” (¶3).")],
        thesis=THESIS,
        subjects=SUBJECTS,
    )

    assert [c.code for c in checks if not c.ok] == ["long_quote"]


def test_empty_paragraphs_are_not_judged_yet():
    assert check([para(text="")], thesis=THESIS, subjects=SUBJECTS) == []


def test_word_count():
    assert word_count("Khrushchev’s thaw, in 1956, changed much.") == 6
