"""The Markdown importer, as plain functions over strings: no database."""

from pathlib import Path

from comparisons.importer import (
    ERROR,
    WARNING,
    ParsedComparison,
    Problem,
    parse_comparison,
)

DEMO = Path(__file__).resolve().parents[2] / "comparisons" / "demo" / "khrushchev-stalin.md"

TWO_SUBJECTS = """\
# How was Stalin different from Lenin?

Both men led the Soviet Union, but in very different ways.

Lenin died in 1924.

| Dimension | Lenin | Stalin |
| --- | --- | --- |
| Leadership style | Led a party of quarrelling comrades. | Ruled alone through terror. |
| Economic focus | The New Economic Policy allowed trade. | Five-Year Plans for industry. |

## Leadership style

Lenin argued with his comrades and sometimes lost.

Stalin had his rivals shot.

## Economic focus

Lenin allowed peasants to sell their surplus.
"""


def errors(parsed: ParsedComparison) -> list[Problem]:
    return [problem for problem in parsed.problems if problem.severity == ERROR]


def warnings(parsed: ParsedComparison) -> list[Problem]:
    return [problem for problem in parsed.problems if problem.severity == WARNING]


def messages(parsed: ParsedComparison) -> str:
    return "\n".join(problem.message for problem in parsed.problems)


def all_text(parsed: ParsedComparison) -> str:
    """Every string the importer hands on, to check nothing unwanted leaks through."""
    parts = [parsed.title, parsed.question, parsed.summary, *parsed.subjects, *parsed.dimensions]
    parts += parsed.contrasts.values()
    for section in parsed.sections:
        parts.append(section.heading)
        parts += [passage.text for passage in section.passages]
    return "\n".join(parts)


def with_table(body: str, table: str | None = None) -> str:
    """An article with a valid title and the given table, then `body`."""
    table = table or (
        "| Dimension | Lenin | Stalin |\n"
        "| --- | --- | --- |\n"
        "| Leadership style | Comrades. | Terror. |\n"
        "| Economic focus | Small trade. | Heavy industry. |\n"
    )
    return f"# How was Stalin different from Lenin?\n\n{table}\n{body}"


# Whole articles


def test_two_subject_article_becomes_matrix_and_sections():
    parsed = parse_comparison(TWO_SUBJECTS)

    assert parsed.ok
    assert parsed.problems == []
    assert parsed.title == "How was Stalin different from Lenin?"
    assert parsed.question == parsed.title
    assert parsed.subjects == ["Lenin", "Stalin"]
    assert parsed.dimensions == ["Leadership style", "Economic focus"]
    assert parsed.contrasts == {
        ("Leadership style", "Lenin"): "Led a party of quarrelling comrades.",
        ("Leadership style", "Stalin"): "Ruled alone through terror.",
        ("Economic focus", "Lenin"): "The New Economic Policy allowed trade.",
        ("Economic focus", "Stalin"): "Five-Year Plans for industry.",
    }
    assert [section.heading for section in parsed.sections] == [
        "Introduction",
        "Leadership style",
        "Economic focus",
    ]
    assert parsed.summary_counts() == {
        "sections": 3,
        "passages": 5,
        "subjects": 2,
        "dimensions": 2,
        "contrasts": 4,
    }


def test_three_subjects_each_get_a_column():
    table = (
        "| Theme | Lenin | Stalin | Khrushchev |\n"
        "|---|---|---|---|\n"
        "| Terror | Red Terror. | Great Terror. | Ended mass terror. |\n"
    )
    parsed = parse_comparison(with_table("## Terror\n\nA paragraph.\n", table))

    assert parsed.ok
    assert parsed.problems == []
    assert parsed.subjects == ["Lenin", "Stalin", "Khrushchev"]
    assert parsed.contrasts[("Terror", "Khrushchev")] == "Ended mass terror."
    assert len(parsed.contrasts) == 3


def test_table_is_not_a_passage():
    parsed = parse_comparison(TWO_SUBJECTS)

    assert "Ruled alone through terror" not in "\n".join(
        passage.text for section in parsed.sections for passage in section.passages
    )


def test_demo_article_imports_cleanly():
    parsed = parse_comparison(DEMO.read_text(encoding="utf-8"))

    assert parsed.ok
    assert parsed.problems == []
    assert len(parsed.subjects) == 2
    assert len(parsed.dimensions) == 5
    assert len(parsed.contrasts) == 10
    assert "Leadership style" in [section.heading for section in parsed.sections]


# Input hygiene


def test_windows_line_endings_bom_and_extra_whitespace_are_tidied():
    messy = "\ufeff" + TWO_SUBJECTS.replace("\n", "\r\n").replace(
        "Stalin had his rivals shot.", "Stalin   had his\r\n   rivals    shot.  "
    )
    parsed = parse_comparison(messy)

    assert parsed.ok
    assert parsed.problems == []
    assert parsed.title == "How was Stalin different from Lenin?"
    assert parsed.sections[1].passages[1].text == "Stalin had his rivals shot."
    assert parsed == parse_comparison(TWO_SUBJECTS)


def test_nul_characters_are_removed_with_a_warning():
    parsed = parse_comparison(TWO_SUBJECTS.replace("Lenin died", "Lenin\x00 died"))

    assert parsed.ok
    assert "\x00" not in all_text(parsed)
    assert parsed.sections[0].passages[1].text == "Lenin died in 1924."
    assert "NUL characters" in messages(parsed)


def test_empty_file_is_an_error():
    parsed = parse_comparison("")

    assert not parsed.ok
    assert parsed.problems == [Problem(None, "The file is empty.", ERROR)]


def test_whitespace_only_file_is_an_error():
    parsed = parse_comparison("\ufeff \r\n\t\n  \n")

    assert parsed.problems == [Problem(None, "The file is empty.", ERROR)]


def test_five_megabyte_file_is_rejected_without_parsing():
    huge = (TWO_SUBJECTS + "Padding paragraph.\n\n" * 300_000)[:5_000_000]

    parsed = parse_comparison(huge)

    assert not parsed.ok
    assert parsed.problems == [
        Problem(
            None,
            "The file is 5.0 MB; the largest article we can import is 1.0 MB.",
            ERROR,
        )
    ]
    assert parsed.sections == []
    assert parsed.title == ""


def test_size_limit_counts_utf8_bytes_not_characters():
    # 400 Cyrillic letters are 800 bytes in UTF-8.
    text = with_table("## Leadership style\n\n" + "Ж" * 400 + "\n")

    assert parse_comparison(text, max_bytes=2_000).ok
    parsed = parse_comparison(text, max_bytes=1_000)
    assert not parsed.ok
    assert parsed.problems[0].message == (
        "The file is 0.002 MB; the largest article we can import is 0.001 MB."
    )


def test_file_just_over_the_limit_never_reads_as_the_same_size():
    parsed = parse_comparison("x" * 1_000_001)

    assert parsed.problems[0].message == (
        "The file is 1.1 MB; the largest article we can import is 1.0 MB."
    )


# The comparison table


def test_row_with_missing_cells_is_warned_and_left_empty():
    table = (
        "| Dimension | Lenin | Stalin |\n"
        "| --- | --- | --- |\n"
        "| Leadership style | Comrades. |\n"
        "| Economic focus | Small trade. | Heavy industry. |\n"
    )
    body = "## Leadership style\n\nText.\n\n## Economic focus\n\nMore.\n"
    parsed = parse_comparison(with_table(body, table))

    assert parsed.ok
    assert ("Leadership style", "Stalin") not in parsed.contrasts
    assert parsed.contrasts[("Leadership style", "Lenin")] == "Comrades."
    assert warnings(parsed) == [
        Problem(
            5,
            "Table row on line 5 has 2 cells but the header has 3 columns; the missing "
            "cells were left empty.",
            WARNING,
        )
    ]


def test_row_with_extra_cells_is_warned_and_extras_ignored():
    table = (
        "| Dimension | Lenin | Stalin |\n"
        "| --- | --- | --- |\n"
        "| Leadership style | Comrades. | Terror. | Stray note |\n"
    )
    parsed = parse_comparison(with_table("## Leadership style\n\nText.\n", table))

    assert parsed.ok
    assert "Stray note" not in all_text(parsed)
    assert [problem.message for problem in warnings(parsed)] == [
        "Table row on line 5 has 4 cells but the header has 3 columns; the extra cells "
        "were ignored."
    ]


def test_rows_without_outer_pipes_and_escaped_pipes_are_counted_like_markdown():
    table = (
        "Dimension | Lenin | Stalin\n"
        "--- | --- | ---\n"
        "Leadership style | Comrades \\| rivals | Terror.\n"
    )
    parsed = parse_comparison(with_table("## Leadership style\n\nText.\n", table))

    assert parsed.problems == []
    assert parsed.contrasts[("Leadership style", "Lenin")] == "Comrades | rivals"


def test_table_in_a_blockquote_is_not_mistaken_for_ragged():
    table = (
        "> | Dimension | Lenin | Stalin |\n"
        "> | --- | --- | --- |\n"
        "> | Leadership style | Comrades. | Terror. |\n"
    )
    parsed = parse_comparison(with_table("## Leadership style\n\nText.\n", table))

    assert parsed.problems == []
    assert parsed.contrasts[("Leadership style", "Stalin")] == "Terror."


def test_line_after_the_table_without_a_blank_line_is_explained():
    table = (
        "| Dimension | Lenin | Stalin |\n"
        "| --- | --- | --- |\n"
        "| Leadership style | Comrades. | Terror. |\n"
        "This sentence was meant as a paragraph.\n"
    )
    parsed = parse_comparison(with_table("## Leadership style\n\nText.\n", table))

    assert "Line 6 was read as a row of the table because there is no blank line" in (
        messages(parsed)
    )


def test_empty_cell_is_warned_by_dimension_and_subject():
    table = (
        "| Dimension | Lenin | Stalin |\n| --- | --- | --- |\n| Leadership style |  | Terror. |\n"
    )
    parsed = parse_comparison(with_table("## Leadership style\n\nText.\n", table))

    assert parsed.ok
    assert parsed.contrasts == {("Leadership style", "Stalin"): "Terror."}
    assert warnings(parsed) == [
        Problem(
            5,
            "The cell for 'Leadership style' and 'Lenin' on line 5 is empty; it will be "
            "blank in the matrix.",
            WARNING,
        )
    ]


def test_article_without_a_table_is_an_error():
    parsed = parse_comparison("# How was Stalin different from Lenin?\n\nJust prose.\n")

    assert not parsed.ok
    assert errors(parsed) == [
        Problem(
            None,
            "No comparison table found: add a table whose first column names the dimensions "
            "and whose other columns name the subjects.",
            ERROR,
        )
    ]
    assert parsed.sections[0].passages[0].text == "Just prose."


def test_subject_named_twice_is_an_error_whatever_the_case():
    table = "| Dimension | Lenin | lenin |\n| --- | --- | --- |\n| Terror | Red. | Red. |\n"
    parsed = parse_comparison(with_table("## Terror\n\nText.\n", table))

    assert not parsed.ok
    assert [problem.message for problem in errors(parsed)] == [
        "The subject 'lenin' is named twice in the table header on line 3; each column must "
        "name a different subject."
    ]


def test_table_with_one_subject_is_an_error():
    table = "| Dimension | Lenin |\n| --- | --- |\n| Terror | Red Terror. |\n"
    parsed = parse_comparison(with_table("## Terror\n\nText.\n", table))

    assert not parsed.ok
    assert "has 1 subject column; a comparison needs at least two" in messages(parsed)


def test_empty_subject_name_in_the_header_is_an_error():
    table = "| Dimension | Lenin |  |\n| --- | --- | --- |\n| Terror | Red. | Great. |\n"
    parsed = parse_comparison(with_table("## Terror\n\nText.\n", table))

    assert not parsed.ok
    assert "has a column with no name" in errors(parsed)[0].message
    assert errors(parsed)[0].line == 3


def test_table_without_rows_is_an_error():
    table = "| Dimension | Lenin | Stalin |\n| --- | --- | --- |\n"
    parsed = parse_comparison(with_table("## Terror\n\nText.\n", table))

    assert not parsed.ok
    assert "has no rows" in messages(parsed)


def test_dimension_named_twice_keeps_the_first_row():
    table = (
        "| Dimension | Lenin | Stalin |\n"
        "| --- | --- | --- |\n"
        "| Terror | Red Terror. | Great Terror. |\n"
        "| terror | Cheka. | NKVD. |\n"
    )
    parsed = parse_comparison(with_table("## Terror\n\nText.\n", table))

    assert parsed.ok
    assert parsed.dimensions == ["Terror"]
    assert parsed.contrasts[("Terror", "Lenin")] == "Red Terror."
    assert [problem.message for problem in warnings(parsed)] == [
        "The dimension 'terror' is in the table twice (lines 5 and 6); the row on line 6 "
        "was ignored."
    ]


def test_second_table_is_ignored_with_a_warning():
    extra = (
        "## Leadership style\n\nText.\n\n| A | B |\n| - | - |\n| 1 | 2 |\n\n"
        "## Economic focus\n\nMore.\n"
    )
    parsed = parse_comparison(with_table(extra))

    assert parsed.ok
    assert parsed.subjects == ["Lenin", "Stalin"]
    assert [problem.message for problem in warnings(parsed)] == [
        "The table on line 12 was ignored: only the first table (line 3) is the comparison table."
    ]


def test_over_long_names_are_errors_naming_the_item():
    long_subject = "S" * 101
    table = (
        f"| Dimension | Lenin | {long_subject} |\n"
        "| --- | --- | --- |\n"
        f"| {'D' * 101} | Red. | Great. |\n"
    )
    text = f"# {'T' * 201}\n\n{table}\n## {'H' * 201}\n\nText.\n"
    parsed = parse_comparison(text)

    assert not parsed.ok
    found = [problem.message for problem in errors(parsed)]
    assert "The title on line 1 is 201 characters long; the limit is 200. Shorten it." in found
    assert any(m.startswith("The subject name 'SSS") and "limit is 100" in m for m in found)
    assert any(m.startswith("The dimension name 'DDD") and "limit is 100" in m for m in found)
    assert "The heading on line 7 is 201 characters long; the limit is 200. Shorten it." in found


def test_over_long_question_line_is_an_error():
    text = with_table("## Leadership style\n\nText.\n").replace(
        "# How was Stalin different from Lenin?", f"# Stalin and Lenin\n\nQuestion: {'Q' * 301}"
    )
    parsed = parse_comparison(text)

    assert "The question on line 3 is 301 characters long" in messages(parsed)


# Title and question


def test_title_that_is_not_a_question_gets_a_warning():
    text = TWO_SUBJECTS.replace("# How was Stalin different from Lenin?", "# Stalin and Lenin")
    parsed = parse_comparison(text)

    assert parsed.ok
    assert parsed.question == "Stalin and Lenin"
    assert warnings(parsed) == [
        Problem(
            1,
            "The title on line 1 is not a question. Students see the question first, so end "
            "the title with '?' or add a line 'Question: ...' under it.",
            WARNING,
        )
    ]


def test_question_line_in_the_introduction_is_used_and_is_not_a_passage():
    text = TWO_SUBJECTS.replace(
        "# How was Stalin different from Lenin?",
        "# Stalin and Lenin\n\nQuestion: How far did *Stalin* continue Lenin's work?",
    )
    parsed = parse_comparison(text)

    assert parsed.problems == []
    assert parsed.question == "How far did Stalin continue Lenin's work?"
    assert parsed.summary == "Both men led the Soviet Union, but in very different ways."
    assert "Question" not in all_text(parsed).replace(parsed.question, "")


def test_question_line_can_start_a_longer_paragraph():
    text = TWO_SUBJECTS.replace(
        "# How was Stalin different from Lenin?",
        "# Stalin and Lenin\n\nQuestion: Was Stalin Lenin's heir?\nMany historians disagree.",
    )
    parsed = parse_comparison(text)

    assert parsed.question == "Was Stalin Lenin's heir?"
    assert parsed.summary == "Many historians disagree."


def test_article_without_any_heading_is_an_error():
    parsed = parse_comparison("Just a paragraph.\n")

    assert not parsed.ok
    assert (
        Problem(
            None,
            "No title: start the article with a heading such as '# How was A different from B?'",
            ERROR,
        )
        in parsed.problems
    )


def test_first_heading_below_level_one_becomes_the_title_with_a_warning():
    text = TWO_SUBJECTS.replace("# How was", "## How was", 1)
    parsed = parse_comparison(text)

    assert parsed.ok
    assert parsed.title == "How was Stalin different from Lenin?"
    assert "How was Stalin different from Lenin?" not in [s.heading for s in parsed.sections]
    assert [problem.line for problem in warnings(parsed)] == [1]
    assert "no top-level '# ' heading" in warnings(parsed)[0].message


def test_second_top_level_heading_becomes_a_section_with_a_warning():
    parsed = parse_comparison(TWO_SUBJECTS.replace("## Economic focus", "# Economic focus"))

    assert parsed.ok
    assert parsed.sections[-1].heading == "Economic focus"
    assert "second top-level '# ' heading" in messages(parsed)


# Sections and passages


def test_intro_paragraphs_go_to_introduction_and_the_first_is_the_summary():
    parsed = parse_comparison(TWO_SUBJECTS)

    introduction = parsed.sections[0]
    assert introduction.heading == "Introduction"
    assert [passage.text for passage in introduction.passages] == [
        "Both men led the Soviet Union, but in very different ways.",
        "Lenin died in 1924.",
    ]
    assert parsed.summary == "Both men led the Soviet Union, but in very different ways."


def test_article_without_intro_has_no_introduction_and_an_empty_summary():
    text = with_table("## Leadership style\n\nText.\n\n## Economic focus\n\nMore.\n")
    parsed = parse_comparison(text)

    assert parsed.problems == []
    assert parsed.summary == ""
    assert [section.heading for section in parsed.sections] == [
        "Leadership style",
        "Economic focus",
    ]


def test_level_three_headings_are_sections_too():
    body = (
        "## Leadership style\n\nOne.\n\n"
        "### Lenin's comrades\n\nTwo.\n\n"
        "## Economic focus\n\nThree.\n"
    )
    parsed = parse_comparison(with_table(body))

    assert [section.heading for section in parsed.sections] == [
        "Leadership style",
        "Lenin's comrades",
        "Economic focus",
    ]


def test_each_list_item_is_its_own_passage():
    body = (
        "## Leadership style\n\n"
        "Some contrasts:\n\n"
        "- Lenin argued.\n"
        "- Stalin\n  decided.\n\n"
        "1. First point.\n"
        "2. Second point.\n"
    )
    parsed = parse_comparison(with_table(body))

    assert [passage.text for passage in parsed.sections[0].passages] == [
        "Some contrasts:",
        "Lenin argued.",
        "Stalin decided.",
        "First point.",
        "Second point.",
    ]


def test_list_item_is_never_the_summary():
    text = TWO_SUBJECTS.replace(
        "Both men led the Soviet Union, but in very different ways.", "- A bullet first."
    )
    parsed = parse_comparison(text)

    assert parsed.sections[0].passages[0].text == "A bullet first."
    assert parsed.summary == "Lenin died in 1924."


def test_inline_markdown_is_stripped_and_links_keep_their_text():
    body = (
        "## Leadership style\n\n"
        "Lenin *argued*, **Stalin** `decided`; see [the archive](https://example.test) "
        "and ![a portrait of Stalin](stalin.png) &amp; <https://example.test/x>.\n"
    )
    parsed = parse_comparison(with_table(body))

    assert parsed.sections[0].passages[0].text == (
        "Lenin argued, Stalin decided; see the archive and a portrait of Stalin & "
        "https://example.test/x."
    )


def test_markdown_in_headings_and_cells_is_stripped_too():
    table = (
        "| Dimension | *Lenin* | Stalin |\n"
        "| --- | --- | --- |\n"
        "| **Terror** | [Red](https://example.test) Terror. | Great Terror. |\n"
    )
    parsed = parse_comparison(with_table("## The *Terror*\n\nText.\n", table))

    assert parsed.subjects == ["Lenin", "Stalin"]
    assert parsed.contrasts[("Terror", "Lenin")] == "Red Terror."
    assert parsed.sections[0].heading == "The Terror"


def test_indented_paragraph_is_kept_as_a_passage():
    parsed = parse_comparison(with_table("## Leadership style\n\n    Indented   by mistake.\n"))

    assert parsed.sections[0].passages[0].text == "Indented by mistake."


def test_empty_section_is_dropped_with_a_warning():
    body = "## Leadership style\n\n## Economic focus\n\nText.\n"
    parsed = parse_comparison(with_table(body))

    assert parsed.ok
    assert [section.heading for section in parsed.sections] == ["Economic focus"]
    assert warnings(parsed) == [
        Problem(
            5,
            "No paragraph is about the dimension 'Leadership style' (table row on line 5), so "
            "its row in the matrix will have no links to the text. Name it in a section "
            "heading, or end a paragraph with {dimensions: Leadership style}.",
            WARNING,
        ),
        Problem(
            8,
            "The section 'Leadership style' on line 8 has no paragraphs, so it was left out.",
            WARNING,
        ),
    ]


def test_section_holding_only_the_table_is_dropped_with_a_warning():
    text = (
        "# How was Stalin different from Lenin?\n\n"
        "## Leadership style\n\nText.\n\n"
        "## At a glance\n\n"
        "| Dimension | Lenin | Stalin |\n| --- | --- | --- |\n| Leadership style | A. | B. |\n"
    )
    parsed = parse_comparison(text)

    assert parsed.ok
    assert [section.heading for section in parsed.sections] == ["Leadership style"]
    assert parsed.problems == [
        Problem(
            7,
            "The section 'At a glance' on line 7 holds only the comparison table, so the table "
            "became the matrix and the heading was left out.",
            WARNING,
        )
    ]


def test_duplicate_section_headings_are_kept_with_a_warning():
    body = (
        "## Leadership style\n\nOne.\n\n## Leadership Style\n\nTwo.\n\n"
        "## Economic focus\n\nThree.\n"
    )
    parsed = parse_comparison(with_table(body))

    assert parsed.ok
    assert [section.heading for section in parsed.sections] == [
        "Leadership style",
        "Leadership Style",
        "Economic focus",
    ]
    assert warnings(parsed) == [
        Problem(
            12,
            "The heading 'Leadership Style' on line 12 is also used earlier on line 8; both "
            "sections were kept.",
            WARNING,
        )
    ]


def test_problems_are_listed_in_line_order():
    body = "## Leadership style\n\n## Economic focus\n\nText.\n\n## Economic focus\n\nMore.\n"
    table = (
        "| Dimension | Lenin | Stalin |\n"
        "| --- | --- | --- |\n"
        "| Leadership style | | B. |\n"
        "| Economic focus | A. |\n"
    )
    parsed = parse_comparison(with_table(body, table))

    # Line 5 twice: an empty cell, and no paragraph about 'Leadership style'.
    assert [problem.line for problem in parsed.problems] == [5, 5, 6, 8, 14]


def test_a_long_list_of_warnings_is_cut_short_with_a_count():
    rows = "".join(f"| Dimension {n} | A. |\n" for n in range(150))
    table = "| Dimension | Lenin | Stalin |\n| --- | --- | --- |\n" + rows
    parsed = parse_comparison(with_table("## Dimension 1\n\nText.\n", table))

    assert parsed.ok
    assert len(parsed.problems) == 101
    # 150 short rows, and 149 dimensions that no paragraph is about.
    assert parsed.problems[-1] == Problem(
        None,
        "199 more problems were not listed; fix the ones above and import again to see the rest.",
        WARNING,
    )


def test_an_error_beyond_the_cut_still_stops_the_import():
    rows = "".join(f"| Dimension {n} | A. |\n" for n in range(150))
    table = "| Dimension | Lenin | Stalin |\n| --- | --- | --- |\n" + rows
    text = with_table("## Dimension 1\n\nText.\n", table).replace(
        "Dimension 149 |", f"{'D' * 101} |"
    )
    parsed = parse_comparison(text)

    assert not parsed.ok
    assert parsed.problems[-1].severity == ERROR
    assert parsed.problems[-1].message.startswith("200 more problems")


# Raw HTML


def test_script_block_is_dropped_and_never_comes_out_as_markup():
    body = (
        "## Leadership style\n\n"
        "Before.\n\n"
        "<script>alert('stolen cookies')</script>\n\n"
        '<div onclick="evil()">\n<p>Block HTML.</p>\n</div>\n\n'
        "After.\n\n"
        "## Economic focus\n\nMore.\n"
    )
    parsed = parse_comparison(with_table(body))

    text = all_text(parsed)
    assert "<" not in text
    assert "alert" not in text
    assert "evil" not in text
    assert [passage.text for passage in parsed.sections[0].passages] == ["Before.", "After."]
    assert [problem.message for problem in warnings(parsed)] == [
        "The HTML block <script> on line 12 was left out: articles are imported as plain "
        "text, so write that part in Markdown instead.",
        "The HTML block <div> on line 14 was left out: articles are imported as plain text, "
        "so write that part in Markdown instead.",
    ]


def test_inline_html_tags_are_removed_and_the_words_between_them_kept():
    body = (
        "## Leadership style\n\n"
        "Lenin <b>argued</b> a lot.<br>Stalin <script>alert(1)</script> decided "
        '<img src=x onerror="alert(2)">.\n\n'
        "## Economic focus\n\nMore.\n"
    )
    parsed = parse_comparison(with_table(body))

    passage = parsed.sections[0].passages[0].text
    assert passage == "Lenin argued a lot. Stalin alert(1) decided ."
    assert "<" not in all_text(parsed)
    assert "onerror" not in all_text(parsed)
    assert [problem.line for problem in warnings(parsed)] == [10]
    assert "contains HTML tags, which were removed" in warnings(parsed)[0].message


def test_html_in_headings_and_table_cells_is_removed_with_a_warning():
    table = (
        "| Dimension | Lenin | Stalin |\n"
        "| --- | --- | --- |\n"
        "| Terror | <script>x()</script>Red. | <b>Great</b>. |\n"
    )
    parsed = parse_comparison(with_table("## <i>Terror</i>\n\nText.\n", table))

    assert "<" not in all_text(parsed)
    assert parsed.contrasts[("Terror", "Stalin")] == "Great."
    assert parsed.sections[0].heading == "Terror"
    # One warning per line, however many cells on it hold HTML.
    assert [problem.line for problem in warnings(parsed)] == [5, 7]


def test_escaped_html_stays_as_literal_text_for_templates_to_escape():
    parsed = parse_comparison(with_table("## Terror\n\nWrite &lt;script&gt; to test.\n"))

    assert "HTML" not in messages(parsed)
    assert parsed.sections[0].passages[0].text == "Write <script> to test."


def test_html_comments_are_dropped_quietly():
    parsed = parse_comparison(with_table("## Terror\n\n<!-- note to self -->\n\nText.\n"))

    # A comment is invisible in any rendering of the article, so leaving it out loses nothing.
    assert [problem for problem in parsed.problems if problem.line == 10] == []
    assert "note to self" not in all_text(parsed)


# Dimension tagging


def test_passages_are_tagged_with_dimensions_named_in_their_heading():
    table = (
        "| Dimension | Stalin | Khrushchev |\n"
        "| --- | --- | --- |\n"
        "| Domestic policy | Terror. | Thaw. |\n"
        "| Social impact | Fear. | Relief. |\n"
        "| Economic focus | Steel. | Housing. |\n"
    )
    body = (
        "## Domestic policy: from terror to thaw\n\nOne.\n\n"
        "## Social impact and legacy\n\nTwo.\n\n"
        "## Economic focus\n\nThree.\n\n"
        "## Economy and society\n\nFour.\n\n"
        "## Conclusion\n\nFive.\n"
    )
    parsed = parse_comparison(with_table(body, table))

    tags = {section.heading: section.passages[0].dimensions for section in parsed.sections}
    assert tags == {
        "Domestic policy: from terror to thaw": ["Domestic policy"],
        "Social impact and legacy": ["Social impact"],
        "Economic focus": ["Economic focus"],
        "Economy and society": [],
        "Conclusion": [],
    }


def test_first_word_matches_a_dimension_only_when_it_is_distinctive():
    table = (
        "| Dimension | Stalin | Khrushchev |\n"
        "| --- | --- | --- |\n"
        "| Role of the party | A. | B. |\n"
        "| Role of the army | C. | D. |\n"
        "| The economy | E. | F. |\n"
        "| Foreign policy | G. | H. |\n"
    )
    body = (
        "## Role of the party in 1956\n\nOne.\n\n"
        "## Role of terror\n\nTwo.\n\n"
        "## The Thaw\n\nThree.\n\n"
        "## Foreign and domestic affairs\n\nFour.\n\n"
        "## Foreigners in Moscow\n\nFive.\n"
    )
    parsed = parse_comparison(with_table(body, table))

    tags = [section.passages[0].dimensions for section in parsed.sections]
    assert tags == [["Role of the party"], [], [], ["Foreign policy"], []]


def test_explicit_dimensions_tag_is_removed_from_the_text_and_tags_the_passage():
    body = (
        "## Leadership style\n\n"
        "Lenin relied on the market. {dimensions: economic FOCUS}\n\n"
        "## Conclusion\n\n"
        "Both mattered. {Dimensions: Leadership style, Economic focus}\n"
    )
    parsed = parse_comparison(with_table(body))

    assert parsed.problems == []
    first, second = (section.passages[0] for section in parsed.sections)
    assert first.text == "Lenin relied on the market."
    assert first.dimensions == ["Leadership style", "Economic focus"]
    assert second.text == "Both mattered."
    assert second.dimensions == ["Leadership style", "Economic focus"]


def test_explicit_tag_on_a_list_item_tags_that_item_only():
    body = "## Conclusion\n\n- Trade. {dimensions: Economic focus}\n- Rivals.\n"
    parsed = parse_comparison(with_table(body))

    assert [(p.text, p.dimensions) for p in parsed.sections[0].passages] == [
        ("Trade.", ["Economic focus"]),
        ("Rivals.", []),
    ]


def test_unknown_dimension_in_an_explicit_tag_is_warned_and_ignored():
    body = (
        "## Conclusion\n\nBoth mattered. {dimensions: Economic focus, Religion, Leadership style}\n"
    )
    parsed = parse_comparison(with_table(body))

    assert parsed.ok
    assert parsed.sections[0].passages[0].dimensions == ["Leadership style", "Economic focus"]
    assert warnings(parsed) == [
        Problem(
            10,
            "Line 10 is tagged with 'Religion', which is not a dimension in the comparison "
            "table; that tag was ignored.",
            WARNING,
        )
    ]


def test_dimensions_tag_with_no_text_is_warned_and_dropped():
    body = "## Conclusion\n\nText.\n\n{dimensions: Economic focus}\n"
    parsed = parse_comparison(with_table(body))

    assert [p.text for p in parsed.sections[0].passages] == ["Text."]
    assert "has no text before it" in messages(parsed)


def test_dimension_no_paragraph_is_about_is_warned():
    parsed = parse_comparison(with_table("## Leadership style\n\nText.\n"))

    assert parsed.ok
    assert parsed.dimensions == ["Leadership style", "Economic focus"]
    assert parsed.problems == [
        Problem(
            6,
            "No paragraph is about the dimension 'Economic focus' (table row on line 6), so its "
            "row in the matrix will have no links to the text. Name it in a section heading, or "
            "end a paragraph with {dimensions: Economic focus}.",
            WARNING,
        )
    ]


def test_dimension_named_only_in_a_tag_has_its_paragraph():
    body = "## Leadership style\n\nText.\n\n## Conclusion\n\nTrade. {dimensions: Economic focus}\n"
    parsed = parse_comparison(with_table(body))

    assert parsed.problems == []


# Everything not imported as written is reported


def reported_lines(parsed: ParsedComparison) -> dict[int | None, str]:
    return {problem.line: problem.message for problem in parsed.problems}


BOTH_DIMENSIONS = "## Leadership style\n\nText.\n\n## Economic focus\n\nMore.\n\n"


def test_picture_is_reported_and_its_description_kept():
    body = BOTH_DIMENSIONS + "Look: ![Stalin at his desk](stalin.png)\n\n![](decoration.png)\n"
    parsed = parse_comparison(with_table(body))

    assert parsed.ok
    assert parsed.sections[-1].passages[-1].text == "Look: Stalin at his desk"
    assert reported_lines(parsed) == {
        16: "The picture on line 16 was left out: only text is imported. Its description, "
        "'Stalin at his desk', was kept in the text.",
        18: "The picture on line 18 was left out: only text is imported, and it has no "
        "description to keep in its place.",
    }


def test_link_address_is_reported_and_its_words_kept():
    body = (
        BOTH_DIMENSIONS + "See [the archive](https://example.test/a) or <https://example.test/b>.\n"
    )
    parsed = parse_comparison(with_table(body))

    assert parsed.sections[-1].passages[-1].text == "See the archive or https://example.test/b."
    # The bare address is already the text, so only the named link loses something.
    assert reported_lines(parsed) == {
        16: "The link on line 16 kept its words, but its address (https://example.test/a) was "
        "left out: only text is imported."
    }


def test_quotation_is_kept_as_a_paragraph_with_a_warning():
    body = BOTH_DIMENSIONS + "> We will bury you.\n"
    parsed = parse_comparison(with_table(body))

    assert parsed.sections[-1].passages[-1].text == "We will bury you."
    assert (
        "The quotation on line 16 was kept as an ordinary paragraph" in reported_lines(parsed)[16]
    )


def test_nested_list_is_kept_flat_with_a_warning():
    body = BOTH_DIMENSIONS + "- Terror\n  - The purges\n  - The camps\n- Thaw\n"
    parsed = parse_comparison(with_table(body))

    assert [p.text for p in parsed.sections[-1].passages][-4:] == [
        "Terror",
        "The purges",
        "The camps",
        "Thaw",
    ]
    assert list(reported_lines(parsed)) == [17]
    assert "The list on line 17 sits inside another list" in reported_lines(parsed)[17]


def test_horizontal_rule_is_reported():
    body = BOTH_DIMENSIONS + "***\n\nAfter the rule.\n"
    parsed = parse_comparison(with_table(body))

    assert parsed.sections[-1].passages[-1].text == "After the rule."
    assert reported_lines(parsed) == {
        16: "The horizontal rule on line 16 was left out: headings are what divide the text "
        "into sections."
    }


def test_code_block_keeps_its_text_and_says_its_line_breaks_were_lost():
    body = BOTH_DIMENSIONS + "```\nfirst line\nsecond line\n```\n\n```\n```\n"
    parsed = parse_comparison(with_table(body))

    assert parsed.sections[-1].passages[-1].text == "first line second line"
    assert reported_lines(parsed) == {
        16: "The code block on line 16 was kept as one ordinary paragraph; its line breaks "
        "were lost.",
        21: "The code block on line 21 is empty, so it was left out.",
    }


def test_every_block_of_a_mixed_article_is_imported_or_reported():
    """Each line that holds words either reaches the passages or has a problem about it."""
    body = (
        "## Leadership style\n\n"  # 8
        "Plain *paragraph*.\n\n"  # 10
        "> A quotation.\n\n"  # 12
        "- Item\n  1. Nested item\n\n"  # 14, 15
        "    Indented text.\n\n"  # 17
        "```\ncode\n```\n\n"  # 19-21
        "<div>Raw HTML.</div>\n\n"  # 23
        "---\n\n"  # 25
        "![Alt words](x.png) [a link](https://example.test)\n\n"  # 27
        "## Economic focus\n\n"  # 29
        "| Second | table |\n| - | - |\n| a | b |\n\n"  # 31-33
        "## Empty section\n"  # 35
    )
    parsed = parse_comparison(with_table(body))
    text = all_text(parsed)
    reported = {problem.line for problem in parsed.problems}

    for words in ("Plain paragraph.", "A quotation.", "Nested item", "Indented text.", "code"):
        assert words in text
    assert "Alt words a link" in text
    assert "Raw HTML" not in text
    assert "Second" not in text
    # No paragraph is about 'Economic focus' (row 6); the quotation, nested list, HTML block,
    # rule, picture and link, second table and empty section are each reported.
    assert reported == {6, 12, 15, 23, 25, 27, 29, 31, 35}
