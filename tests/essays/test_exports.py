"""essays/exports.py: an outline as Markdown and as Word, read back the way a reader's
software would, with hostile text that must stay text."""

import io
import re

import pytest
from docx import Document
from markdown_it import MarkdownIt

from essays import exports
from essays.models import Evidence, Outline, OutlineSection

pytestmark = pytest.mark.django_db

HOSTILE = "# evil\n===\n> not a quote\n- not a list\n1. not a list\n```\n<script>alert(1)</script>"


def make_outline(assignment, author, **fields):
    """An outline as the builder would leave it: an introduction, one body section with a
    quote and a matrix cell, and a conclusion that cites the first passage again."""
    comparison = assignment.comparison
    stalin, khrushchev = comparison.subjects.order_by("order")
    leadership = comparison.dimensions.order_by("order").first()
    outline = Outline.objects.create(
        assignment=assignment,
        author=author,
        **{
            "title": "Fear and thaw",
            "thesis": "Khrushchev relaxed the terror that Stalin built.",
            **fields,
        },
    )
    introduction, body, conclusion = OutlineSection.objects.bulk_create(
        [
            OutlineSection(
                outline=outline,
                key="introduction",
                order=0,
                role="introduction",
                heading="Introduction",
                claim="Both ruled the Soviet Union; they ruled it differently.",
            ),
            OutlineSection(
                outline=outline,
                key=f"dimension:{leadership.pk}",
                order=1,
                role="body",
                heading="Leadership style",
                claim="Stalin ruled through fear; Khrushchev through persuasion.",
                reasoning="Why did the method of rule change after 1953?",
                dimension=leadership,
            ),
            OutlineSection(
                outline=outline,
                key="conclusion",
                order=2,
                role="conclusion",
                heading="Conclusion",
                claim="The break was real, but partial.",
            ),
        ]
    )
    Evidence.objects.bulk_create(
        [
            Evidence(
                section=body,
                order=0,
                key="annotation:1",
                subject=stalin,
                quote="Stalin ruled through fear",
                citation="§1 ¶1",
                relation=Evidence.Relation.DIFFERENCE,
                form=Evidence.Form.QUOTE,
                commentary="Fear was the method.",
            ),
            Evidence(
                section=body,
                order=1,
                key="contrast:1",
                subject=khrushchev,
                note="Khrushchev on leadership style",
                citation="matrix",
                relation=Evidence.Relation.SIMILARITY,
                form=Evidence.Form.PARAPHRASE,
            ),
            Evidence(
                section=conclusion,
                order=0,
                key="annotation:2",
                subject=khrushchev,
                quote="Khrushchev relaxed the terror",
                citation="§2 ¶3",
                commentary="The thaw.",
            ),
            Evidence(
                section=conclusion,
                order=1,
                key="annotation:1",
                subject=stalin,
                quote="Stalin ruled through fear",
                citation="§1 ¶1",
            ),
        ]
    )
    assert introduction.pk
    return Outline.objects.for_editor().get(pk=outline.pk)


@pytest.fixture
def outline(assignment, student):
    return make_outline(assignment, student)


# --- file names --------------------------------------------------------------------


def test_filename_names_the_student_and_the_assignment(outline):
    assert (
        exports.filename(outline, "md")
        == "sam-student_how-was-khrushchev-different-from-stalin_outline.md"
    )
    assert exports.filename(outline, "docx").endswith("_outline.docx")


def test_filename_is_ascii_and_long_names_are_cut_between_words(outline):
    outline.author.display_name = "Zoë Ångström-Łukasz, the Third of Her Name, Queen of Essays"
    outline.assignment.comparison.title = "Why " + "revolutions " * 20 + "end"

    name = exports.filename(outline, "docx")

    assert re.fullmatch(r"[a-z0-9-]+_[a-z0-9-]+_outline\.docx", name), name
    student, assignment, _ = name.split("_")
    assert student.startswith("zoe-angstrom-ukasz")
    assert len(student) <= 40 and len(assignment) <= 60
    assert assignment.split("-")[-1] == "revolutions"  # a whole word, not "revol"


def test_filename_falls_back_when_nothing_ascii_is_left(outline):
    outline.author.display_name = "李雷"
    outline.assignment.comparison.title = "東西"

    assert (
        exports.filename(outline, "md") == f"student_assignment-{outline.assignment_id}_outline.md"
    )


# --- Markdown ----------------------------------------------------------------------


def parse(markdown):
    """The tokens a CommonMark reader (with GitHub's tables) makes of the file."""
    return MarkdownIt("commonmark").enable("table").parse(markdown)


def headings(tokens):
    return [
        (token.tag, tokens[i + 1].content)
        for i, token in enumerate(tokens)
        if token.type == "heading_open"
    ]


def blocks(tokens, kind):
    """The inline text inside each `kind` block (blockquote, list_item, ...)."""
    found, depth, current = [], 0, []
    for token in tokens:
        if token.type == f"{kind}_open":
            depth, current = depth + 1, []
        elif token.type == f"{kind}_close":
            depth -= 1
            found.append(" ".join(current))
        elif depth and token.type == "inline":
            current.append(token.content)
    return found


def test_markdown_has_the_title_question_thesis_and_one_heading_per_section(outline):
    markdown = exports.to_markdown(outline)
    tokens = parse(markdown)

    assert headings(tokens) == [
        ("h1", "Fear and thaw"),
        ("h2", "Introduction"),
        ("h2", "Leadership style"),
        ("h2", "Conclusion"),
        ("h2", "Passages cited"),
    ]
    assert "**Question:** How far did Khrushchev break with Stalin?" in markdown
    assert "**Thesis:** Khrushchev relaxed the terror that Stalin built." in markdown
    assert "Stalin ruled through fear; Khrushchev through persuasion." in markdown


def test_markdown_quotes_evidence_with_its_citation_then_the_commentary(outline):
    markdown = exports.to_markdown(outline)

    assert blocks(parse(markdown), "blockquote") == [
        "“Stalin ruled through fear” (§1 ¶1)",
        "Khrushchev on leadership style (summary table)",
        "“Khrushchev relaxed the terror” (§2 ¶3)",
        "“Stalin ruled through fear” (§1 ¶1)",
    ]
    assert (
        "> “Stalin ruled through fear” (§1 ¶1)\n\n"
        "**Shows a difference, quoted.** Fear was the method.\n\n"
        "> Khrushchev on leadership style (summary table)\n\n"
        "**Shows a similarity, in my own words.**\n\n"
        "*Why did the method of rule change after 1953?*"
    ) in markdown


def test_markdown_lists_each_passage_cited_once_in_order(outline):
    tokens = parse(exports.to_markdown(outline))

    assert blocks(tokens, "list_item") == ["§1 ¶1", "§2 ¶3"]


def test_hostile_text_in_markdown_stays_text(outline):
    outline.title = "# evil <script>alert(1)</script>"
    outline.thesis = HOSTILE
    sections = list(outline.sections.all())
    sections[0].heading = "<img src=x onerror=alert(1)> ##"
    sections[0].claim = HOSTILE
    sections[1].reasoning = "*not* `code`"
    quote = sections[1].evidence.all()[0]
    quote.quote = "</blockquote><h1>x</h1>"
    quote.commentary = HOSTILE

    markdown = exports.to_markdown(outline)
    tokens = parse(markdown)
    html = MarkdownIt("commonmark").enable("table").render(markdown)

    assert headings(tokens) == [
        ("h1", r"\# evil \<script\>alert(1)\</script\>"),
        ("h2", r"\<img src=x onerror=alert(1)\> \#\#"),
        ("h2", "Leadership style"),
        ("h2", "Conclusion"),
        ("h2", "Passages cited"),
    ]
    kinds = {token.type for token in tokens} | {
        child.type for token in tokens for child in token.children or []
    }
    assert not kinds & {"html_block", "html_inline", "fence", "code_block", "table_open"}
    assert len(blocks(tokens, "blockquote")) == 4
    assert blocks(tokens, "list_item") == ["§1 ¶1", "§2 ¶3"]
    assert "<script" not in html and "<img" not in html and "<h1>x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<em>*not* `code`</em>" in html


def test_markdown_drops_nul_and_other_control_characters(outline):
    outline.title = "Fear\x00 and thaw"
    outline.thesis = "Before\x00after\x01\x0bnext\r\n# not a heading"

    markdown = exports.to_markdown(outline)

    assert not re.search("[\x00-\x08\x0b-\x1f]", markdown)
    assert markdown.startswith("# Fear and thaw\n")
    assert "**Thesis:** Beforeafter\nnext\n\\# not a heading" in markdown


# --- Word --------------------------------------------------------------------------


def read_docx(data: bytes):
    document = Document(io.BytesIO(data))
    return document, [(p.style.name, p.text) for p in document.paragraphs]


def test_docx_has_the_title_thesis_and_one_heading_per_section_in_order(outline):
    document, paragraphs = read_docx(exports.to_docx(outline))

    assert paragraphs[0] == ("Title", "Fear and thaw")
    assert [text for style, text in paragraphs if style == "Heading 1"] == [
        "Thesis",
        "Introduction",
        "Leadership style",
        "Conclusion",
        "Passages cited",
    ]
    thesis_at = paragraphs.index(("Heading 1", "Thesis"))
    assert paragraphs[thesis_at + 1] == (
        "Normal",
        "Khrushchev relaxed the terror that Stalin built.",
    )
    assert ("Normal", "Question: How far did Khrushchev break with Stalin?") in paragraphs
    assert [text for style, text in paragraphs if style == "List Bullet"] == ["§1 ¶1", "§2 ¶3"]
    assert document.core_properties.title == "Fear and thaw"
    assert document.core_properties.author == "Sam Student"


def test_docx_quotes_are_in_the_quote_style_with_citations_and_commentary(outline):
    document, paragraphs = read_docx(exports.to_docx(outline))

    assert [text for style, text in paragraphs if style == "Quote"] == [
        "“Stalin ruled through fear” (§1 ¶1)",
        "Khrushchev on leadership style (summary table)",
        "“Khrushchev relaxed the terror” (§2 ¶3)",
        "“Stalin ruled through fear” (§1 ¶1)",
    ]
    first_quote = paragraphs.index(("Quote", "“Stalin ruled through fear” (§1 ¶1)"))
    assert paragraphs[first_quote + 1] == (
        "Normal",
        "Shows a difference, quoted. Fear was the method.",
    )
    reasoning = next(
        p for p in document.paragraphs if p.text == "Why did the method of rule change after 1953?"
    )
    assert all(run.italic for run in reasoning.runs)


def test_docx_strips_characters_xml_forbids(outline):
    outline.title = "Fear\x00 and thaw"
    outline.thesis = "Before\x00after\x01\x0bnext"
    outline.author.display_name = "Sam\x00 Student"
    section = outline.sections.all()[1]
    section.heading = "Leadership\x1f style"
    section.evidence.all()[0].quote = "Stalin\x0b ruled\ufffe through fear"

    document, paragraphs = read_docx(exports.to_docx(outline))

    texts = [text for _, text in paragraphs]
    assert not any(re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", text) for text in texts)
    assert texts[0] == "Fear and thaw"
    assert "Beforeafter\nnext" in texts  # Word's line break became a line break
    assert "Leadership style" in texts
    assert "“Stalin ruled through fear” (§1 ¶1)" in texts
    assert document.core_properties.author == "Sam Student"


def test_an_empty_outline_still_exports(assignment, student):
    outline = Outline.objects.create(assignment=assignment, author=student, title="Empty")
    outline = Outline.objects.for_editor().get(pk=outline.pk)

    markdown = exports.to_markdown(outline)
    _, paragraphs = read_docx(exports.to_docx(outline))

    assert "**Thesis:** *(not written yet)*" in markdown
    assert "Passages cited" not in markdown
    assert [text for style, text in paragraphs if style == "Heading 1"] == ["Thesis"]
