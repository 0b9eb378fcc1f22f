from essays.revisions import diff, word_diff


def snapshot(thesis="Whereas A, B.", claim="On x, A did this.", evidence=None):
    return {
        "title": "T",
        "thesis": thesis,
        "sections": [
            {
                "key": "body:dimension:1",
                "heading": "Leadership",
                "role": "body",
                "claim": claim,
                "reasoning": "",
                "evidence": evidence
                if evidence is not None
                else [
                    {"key": "annotation:1", "quote": "fear", "citation": "§1 ¶2", "commentary": ""}
                ],
            }
        ],
    }


def test_identical_revisions_have_no_changes():
    assert diff(snapshot(), snapshot()) == []


def test_a_changed_thesis_shows_the_words_deleted_and_inserted():
    changes = diff(
        snapshot(thesis="Whereas Stalin ruled by fear"),
        snapshot(thesis="Whereas Stalin ruled by terror"),
    )

    assert [c.label for c in changes] == ["Thesis"]
    assert ("delete", "fear") in changes[0].words
    assert ("insert", "terror") in changes[0].words


def test_added_and_removed_evidence_are_reported():
    new_item = {"key": "annotation:2", "quote": "thaw", "citation": "§2 ¶5", "commentary": ""}

    changes = diff(snapshot(), snapshot(evidence=[new_item]))

    kinds = sorted(c.kind for c in changes)
    assert kinds == ["added", "removed"]


def test_a_claim_edit_names_its_section():
    changes = diff(snapshot(claim="On x, A did this."), snapshot(claim="On x, A did that."))

    assert changes[0].label == "Leadership: claim"


def test_word_diff_keeps_order():
    assert word_diff("a b c", "a x c") == [
        ("equal", "a"),
        ("delete", "b"),
        ("insert", "x"),
        ("equal", "c"),
    ]
