from counterpoint.lib import join_codes


def test_codes_use_only_unambiguous_characters():
    for _ in range(200):
        code = join_codes.new_code()
        assert len(code) == 8
        assert not set(code) & set("0O1IL5S")


def test_normalise_ignores_case_spaces_and_dashes():
    assert join_codes.normalise(" abcd - efgh ") == "ABCDEFGH"


def test_display_splits_the_code_in_two():
    assert join_codes.display("ABCDEFGH") == "ABCD-EFGH"
