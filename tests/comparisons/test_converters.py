"""Word documents, web pages, pasted rich text and plain text go through the Markdown importer."""

import io
import zipfile

import docx
import pytest

from comparisons.converters import (
    DOCX,
    HTML,
    MARKDOWN,
    TEXT,
    convert,
    format_for,
    import_document,
)
from comparisons.importer import ERROR, parse_comparison
from tests.comparisons.documents import demo_docx, demo_markdown, demo_text, saved_page

LIMIT = 1_000_000


def _import(data, filename="", **kwargs):
    if isinstance(data, str):
        data = data.encode()
    parsed, _converted = import_document(data, filename=filename, max_bytes=LIMIT, **kwargs)
    return parsed


def _messages(parsed):
    return " ".join(problem.message for problem in parsed.problems)


def _docx_bytes(build) -> bytes:
    document = docx.Document()
    build(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    """A copy of a zip with some parts replaced or added."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            if entry.filename not in replace:
                target.writestr(entry, source.read(entry))
        for name, content in replace.items():
            target.writestr(name, content)
    return out.getvalue()


# --- the demo in every format -------------------------------------------------------------


@pytest.fixture(scope="module")
def markdown_import():
    parsed = parse_comparison(demo_markdown())
    assert parsed.ok
    return parsed


def _same_comparison(parsed, expected):
    assert parsed.ok, _messages(parsed)
    assert parsed.title == expected.title
    assert parsed.question == expected.question
    assert parsed.summary == expected.summary
    assert parsed.subjects == expected.subjects
    assert parsed.dimensions == expected.dimensions
    assert parsed.contrasts == expected.contrasts
    assert parsed.sections == expected.sections


def test_a_word_document_imports_the_same_as_the_markdown(markdown_import):
    parsed = _import(demo_docx(), "khrushchev-stalin.docx")
    _same_comparison(parsed, markdown_import)
    assert not parsed.problems


def test_bold_lines_in_a_word_document_are_taken_for_headings_and_reported_as_a_guess(
    markdown_import,
):
    parsed = _import(demo_docx(bold_headings=True), "khrushchev-stalin.docx")
    _same_comparison(parsed, markdown_import)
    assert "set wholly in bold were taken for section headings (a guess)" in _messages(parsed)


def test_a_saved_web_page_imports_the_same_as_the_markdown_without_the_page_around_it(
    markdown_import,
):
    parsed = _import(saved_page(), "khrushchev-stalin.html")
    _same_comparison(parsed, markdown_import)
    text = " ".join(p.text for s in parsed.sections for p in s.passages)
    for boilerplate in ("cookies", "Related posts", "Great article", "All rights reserved"):
        assert boilerplate not in text
    messages = _messages(parsed)
    assert "2 scripts left out" in messages
    assert "1 embedded frame left out" in messages
    assert "menus, banners, sidebars, comments and footer were left out" in messages


def test_plain_text_imports_the_same_as_the_markdown_with_headings_reported_as_a_guess(
    markdown_import,
):
    parsed = _import(demo_text(), "khrushchev-stalin.txt")
    _same_comparison(parsed, markdown_import)
    assert "6 lines standing alone" in _messages(parsed)


def test_pasted_rich_text_is_read_whole_without_looking_for_an_article(markdown_import):
    fragment = saved_page().decode().split('<div class="post-content">')[1].split("</div>")[0]
    parsed = _import(fragment, fmt=HTML, fragment=True)
    _same_comparison(parsed, markdown_import)


# --- choosing the format ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("a.md", b"# Title", MARKDOWN),
        ("a.txt", b"Title", TEXT),
        ("a.html", b"<!doctype html><p>x", HTML),
        ("a.docx", b"PK\x03\x04rest", DOCX),
        ("a.txt", b"<!DOCTYPE html><html><p>x", HTML),
        ("a.html", b"PK\x03\x04rest", DOCX),
        ("no-extension", b"Just words", TEXT),
    ],
)
def test_the_format_comes_from_the_extension_corrected_by_the_content(name, data, expected):
    assert format_for(name, data) == expected


# --- what is dropped is reported ----------------------------------------------------------


ARTICLE_HTML = """
<h1>How was Stalin different from Lenin?</h1>
<p>Both men led the Soviet Union.<sup><a href="#footnote-1" id="footnote-ref-1">[1]</a></sup></p>
<table><tr><th>Dimension</th><th>Lenin</th><th>Stalin</th></tr>
<tr><td>Economic focus</td><td>NEP.</td><td>Five-Year Plans.</td></tr></table>
<h2>Economic focus</h2>
<p>Lenin allowed <a href="https://example.org/nep">trade</a>. <img src="x.png" alt="A market"></p>
"""


def test_links_and_pictures_keep_their_words_and_are_reported():
    parsed = _import(ARTICLE_HTML, fmt=HTML, fragment=True)
    assert parsed.ok, _messages(parsed)
    passages = [p.text for s in parsed.sections for p in s.passages]
    assert "Lenin allowed trade. A market" in passages
    assert "1 link kept its words" in _messages(parsed)
    assert "1 picture left out" in _messages(parsed)


def test_word_footnotes_comments_and_tracked_changes_are_reported():
    def build(document):
        document.add_heading("How was Stalin different from Lenin?", level=1)
        document.add_paragraph("Both men led the Soviet Union.")
        table = document.add_table(rows=2, cols=3)
        for cell, text in zip(table.rows[0].cells, ["Dimension", "Lenin", "Stalin"], strict=True):
            cell.text = text
        for cell, text in zip(table.rows[1].cells, ["Economy", "NEP.", "Plans."], strict=True):
            cell.text = text
        document.add_heading("Economy", level=2)
        paragraph = document.add_paragraph("Lenin allowed trade.")
        document.add_comment(paragraph.runs, text="Check this date", author="Teacher")

    data = _docx_bytes(build)
    source = zipfile.ZipFile(io.BytesIO(data))
    body = source.read("word/document.xml").replace(
        b"<w:t>Lenin allowed trade.</w:t>",
        b'<w:t>Lenin allowed trade.</w:t></w:r><w:ins w:id="90" w:author="T" w:date="2024-01-01T00'
        b':00:00Z"><w:r><w:t xml:space="preserve"> Peasants sold grain.</w:t></w:r></w:ins><w:r>'
        b"<w:t></w:t>",
    )
    parsed = _import(_rezip(data, {"word/document.xml": body}), "lenin.docx")
    assert parsed.ok, _messages(parsed)
    messages = _messages(parsed)
    assert "1 comment in the Word document left out" in messages
    assert "tracked changes" in messages
    passages = [p.text for s in parsed.sections for p in s.passages]
    assert "Lenin allowed trade. Peasants sold grain." in passages


def test_word_footnotes_are_left_out_with_their_numbers():
    html = (
        ARTICLE_HTML
        + '<ol><li id="footnote-1"><p>A source. <a href="#footnote-ref-1">↑</a></p></li></ol>'
    )
    from comparisons.converters import _html

    converted = _html(html, page=False, from_word=True)
    assert "[1]" not in converted.markdown
    assert "A source" not in converted.markdown
    assert "1 footnote in the Word document left out" in " ".join(
        p.message for p in converted.problems
    )


# --- hostile inputs -----------------------------------------------------------------------


def _single_error(parsed) -> str:
    assert not parsed.ok
    assert [p.severity for p in parsed.problems] == [ERROR]
    return parsed.problems[0].message


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    bomb = _rezip(demo_docx(), {"word/padding.xml": b"<a>" + b" " * 50_000_000 + b"</a>"})
    message = _single_error(_import(bomb, "bomb.docx"))
    assert "unpacks to far more" in message


@pytest.fixture(scope="module")
def long_docx() -> bytes:
    def build(document):
        document.add_heading("A long one?", level=1)
        for number in range(8_000):
            document.add_paragraph(f"Paragraph {number} says a little more about it. " * 4)

    return _docx_bytes(build)


def test_a_very_long_word_document_is_refused_with_a_clear_message(long_docx):
    message = _single_error(_import(long_docx, "long.docx"))
    assert "too long to import" in message


def _relocated(data: bytes, name: str) -> bytes:
    """The same document with its main part moved to `name`, as the package's rels allow."""
    source = zipfile.ZipFile(io.BytesIO(data))
    rels = source.read("_rels/.rels").replace(b"word/document.xml", name.encode())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename == "word/document.xml":
                target.writestr(name, content)
            elif entry.filename == "word/_rels/document.xml.rels":
                target.writestr(name.replace("word/", "word/_rels/") + ".rels", content)
            elif entry.filename == "_rels/.rels":
                target.writestr(entry.filename, rels)
            else:
                target.writestr(entry, content)
    return out.getvalue()


def test_the_budget_counts_the_parts_mammoth_reads_whatever_their_names(long_docx):
    message = _single_error(_import(_relocated(long_docx, "word/media/image9.png"), "x.docx"))
    assert "too long to import" in message


def test_a_word_document_whose_main_part_has_another_name_still_imports(markdown_import):
    parsed = _import(_relocated(demo_docx(), "word/main.xml"), "moved.docx")
    _same_comparison(parsed, markdown_import)


def test_a_word_document_with_an_external_entity_is_refused():
    data = demo_docx()
    body = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
    hostile = body.replace(
        b"?>",
        b'?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        1,
    ).replace(b"<w:t>Joseph Stalin", b"<w:t>&xxe; Joseph Stalin", 1)
    parsed = _import(_rezip(data, {"word/document.xml": hostile}), "xxe.docx")
    message = _single_error(parsed)
    assert "document type declaration" in message
    assert "root:" not in message


@pytest.mark.parametrize("name", ["essay.docx", "essay.html", "essay.txt"])
def test_a_renamed_program_is_refused(name):
    program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(range(256)) * 20
    message = _single_error(_import(program, name))
    assert "is a program" in message or "not a Word document" in message


def test_a_zip_that_is_not_a_word_document_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8")
    assert "not a Word document" in _single_error(_import(out.getvalue(), "photos.docx"))


def test_a_damaged_docx_is_refused():
    assert "not a Word document" in _single_error(_import(b"PK\x03\x04broken", "x.docx"))


def test_scripts_styles_frames_and_event_handlers_leave_no_trace():
    html = (
        "<h1>Who?</h1><script>alert('s')</script><style>p{color:red}</style>"
        "<p onclick=\"alert('c')\">Kept words <img src=x onerror=\"alert('e')\">"
        "<iframe src='https://evil.example'>framed</iframe></p>"
        "<form><input value='typed'><button>Send</button></form>"
        "<table><tr><th>D</th><th>A</th><th>B</th></tr><tr><td>X</td><td>a</td><td>b</td></tr>"
        "</table>"
    )
    parsed, converted = import_document(html.encode(), filename="x.html", max_bytes=LIMIT)
    for trace in ("alert", "color", "framed", "typed", "Send", "onerror", "onclick", "<"):
        assert trace not in converted.markdown
    messages = _messages(parsed)
    assert "1 script left out" in messages
    assert "1 embedded frame left out" in messages
    assert "1 form left out" in messages
    assert "1 picture left out" in messages


def test_deeply_nested_html_is_refused_with_a_clear_message():
    html = "<h1>Deep?</h1>" + "<div>" * 20_000 + "Deep words" + "</div>" * 20_000
    assert "nested too deeply" in _single_error(_import(html, "deep.html"))


def test_html_nested_past_the_walk_depth_keeps_its_words_and_says_so():
    html = (
        "<h1>Deep?</h1>"
        + "<div>" * 80
        + "<p>Deep <b>words</b></p><p>More</p>"
        + "</div>" * 80
        + "<table><tr><th>D</th><th>A</th><th>B</th></tr>"
        + "<tr><td>X</td><td>a</td><td>b</td></tr></table>"
    )
    parsed = _import(html, fmt=HTML, fragment=True)
    passages = [p.text for s in parsed.sections for p in s.passages]
    assert passages == ["Deep words More"]
    assert "nested more than 60 levels deep" in _messages(parsed)


def test_a_ten_thousand_row_table_is_refused_with_a_clear_message():
    rows = "".join(f"<tr><td>Row {n}</td><td>a</td><td>b</td></tr>" for n in range(10_000))
    html = f"<h1>Big?</h1><table><tr><th>D</th><th>A</th><th>B</th></tr>{rows}</table>"
    assert "more than 200 rows" in _single_error(_import(html, "table.html"))


def test_a_ten_thousand_row_tab_separated_table_is_refused_with_a_clear_message():
    text = "Big?\n\nD\tA\tB\n" + "".join(f"Row {n}\ta\tb\n" for n in range(10_000))
    assert "more than 200 rows" in _single_error(_import(text, "table.txt"))


@pytest.mark.parametrize("name", ["tiny.txt", "tiny.html"])
def test_a_flood_of_tiny_paragraphs_is_refused_with_a_clear_message(name):
    if name.endswith(".txt"):
        data = "Title\n\n" + "x\n\n" * 200_000
    else:
        data = "<h1>Title</h1>" + "<p>x</p>" * 200_000
    assert "more than" in _single_error(_import(data, name))


def test_a_file_over_the_limit_for_its_format_is_refused():
    assert "largest article" in _single_error(_import(b"x" * (LIMIT + 1), "big.txt"))
    # A web page may be larger than the text it holds.
    assert _import(b"<h1>Page?</h1>" + b" " * (LIMIT + 1), "big.html").problems[0].message != (
        _import(b"x" * (LIMIT + 1), "big.txt").problems[0].message
    )


def test_an_empty_file_in_any_format_is_a_clear_problem():
    for name in ("a.txt", "a.html", "a.md"):
        assert not _import(b"", name).ok
    assert not _import(b"<html><body></body></html>", "a.html").ok


def test_convert_never_raises_on_garbage():
    for fmt in (DOCX, HTML, TEXT, MARKDOWN):
        converted = convert(bytes(range(256)) * 10, fmt)
        assert isinstance(converted.markdown, str)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("essay.pdf", b"%PDF-1.7 rest", "is a PDF"),
        ("essay.txt", b"%PDF-1.7 rest", "is a PDF"),
        ("essay.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "old Word format"),
        ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "does not hold text"),
    ],
)
def test_other_documents_are_refused_with_what_to_do_instead(name, data, message):
    assert message in _single_error(_import(data, name))


def test_text_copied_from_google_docs_keeps_its_paragraphs():
    html = (
        '<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-1">'
        "<h1>Who?</h1><p><span>First paragraph.</span></p><p><span>Second.</span></p>"
        "<ul><li><p>An item</p></li></ul></b>"
    )
    parsed = _import(html, fmt=HTML, fragment=True)
    passages = [p.text for s in parsed.sections for p in s.passages]
    assert parsed.title == "Who?"
    assert passages == ["First paragraph.", "Second.", "An item"]


def test_a_list_copied_from_word_becomes_list_items_without_its_bullets():
    html = (
        "<h1>Who?</h1><p class=MsoNormal>Intro.</p>"
        "<p class=MsoListParagraphCxSpFirst style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'>"
        "<span style='font-family:Symbol'>·<span>&nbsp;&nbsp;&nbsp; </span></span>First point</p>"
        "<p class=MsoListParagraphCxSpLast style='mso-list:l0 level1 lfo1'>"
        "<span>2.<span>&nbsp;&nbsp; </span></span>Second point</p>"
    )
    converted = convert(html.encode(), HTML, fragment=True)
    assert "Intro.\n\n- First point\n- Second point\n" in converted.markdown


def test_pictures_in_a_word_document_are_reported_and_never_read():
    import struct
    import zlib

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )

    def build(document):
        document.add_heading("Who?", level=1)
        document.add_paragraph("Before the picture.")
        document.add_picture(io.BytesIO(png))

    parsed, converted = import_document(_docx_bytes(build), filename="p.docx", max_bytes=LIMIT)
    assert "1 picture left out" in _messages(parsed)
    assert "data:" not in converted.markdown and "base64" not in converted.markdown


FOOTNOTES_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b'<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    b'<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
    b"</w:r></w:p></w:footnote>"
    b'<w:footnote w:id="1"><w:p><w:r><w:t>Source: the party archive.</w:t></w:r></w:p>'
    b"</w:footnote></w:footnotes>"
)


def test_footnotes_in_a_word_document_are_left_out_with_their_numbers_and_reported():
    data = demo_docx()
    source = zipfile.ZipFile(io.BytesIO(data))
    body = source.read("word/document.xml").replace(
        b"<w:t>Joseph Stalin ruled",
        b'<w:t>Joseph Stalin</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r><w:r>'
        b'<w:t xml:space="preserve"> ruled',
        1,
    )
    types = source.read("[Content_Types].xml").replace(
        b"</Types>",
        b'<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.wordprocessingml.footnotes+xml"/></Types>',
    )
    rels = source.read("word/_rels/document.xml.rels").replace(
        b"</Relationships>",
        b'<Relationship Id="rIdNotes" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>',
    )
    hostile = _rezip(
        data,
        {
            "word/document.xml": body,
            "[Content_Types].xml": types,
            "word/_rels/document.xml.rels": rels,
            "word/footnotes.xml": FOOTNOTES_XML,
        },
    )
    parsed, converted = import_document(hostile, filename="notes.docx", max_bytes=LIMIT)
    assert parsed.ok, _messages(parsed)
    assert "party archive" not in converted.markdown
    assert "[1]" not in converted.markdown
    assert parsed.summary == parse_comparison(demo_markdown()).summary
    assert "1 footnote in the Word document left out" in _messages(parsed)


def test_a_comparison_table_outside_the_article_found_is_added_back_and_reported(monkeypatch):
    import readability

    def without_table(self, html_partial=False):
        return "<div><p>" + "The article's own words, long enough to count. " * 5 + "</p></div>"

    monkeypatch.setattr(readability.Document, "summary", without_table)
    page = (
        "<html><head><title>Who won? | Site</title></head><body>"
        "<header><h1>Site</h1></header><main><h1>Who won?</h1><p>Words.</p></main>"
        "<table><tr><th>D</th><th>A</th><th>B</th></tr><tr><td>X</td><td>a</td><td>b</td></tr>"
        "</table></body></html>"
    )
    parsed = _import(page, "page.html")
    assert parsed.title == "Who won?"
    assert parsed.subjects == ["A", "B"]
    assert "The page's first table was outside the part taken as the article" in _messages(parsed)


def test_word_lists_and_third_level_headings_follow_the_markdown_rules():
    def build(document):
        document.add_heading("How did they differ?", level=1)
        document.add_paragraph("Two leaders.")
        table = document.add_table(rows=2, cols=3)
        for cell, text in zip(table.rows[0].cells, ["Dimension", "A", "B"], strict=True):
            cell.text = text
        for cell, text in zip(table.rows[1].cells, ["Economy", "Plans.", "Markets."], strict=True):
            cell.text = text
        document.add_heading("Economy", level=2)
        document.add_heading("Economy in detail", level=3)
        document.add_paragraph("First step.", style="List Number")
        document.add_paragraph("Second step.", style="List Number")
        document.add_paragraph("A point.", style="List Bullet")
        document.add_paragraph("A point inside it.", style="List Bullet 2")

    parsed, converted = import_document(_docx_bytes(build), filename="l.docx", max_bytes=LIMIT)
    assert parsed.ok, _messages(parsed)
    assert "### Economy in detail" in converted.markdown
    sections = {s.heading: [p.text for p in s.passages] for s in parsed.sections}
    assert sections["Economy in detail"] == [
        "First step.",
        "Second step.",
        "A point.",
        "A point inside it.",
    ]
    assert all(p.dimensions == ["Economy"] for s in parsed.sections[1:] for p in s.passages)
    assert "- First step.\n- Second step.\n- A point.\n- A point inside it." in converted.markdown


def test_a_page_with_no_words_is_an_error_not_an_empty_comparison():
    parsed = _import(b"<html><body><div></div><script>x()</script></body></html>", "a.html")
    assert not parsed.ok
    assert "No text was found in the file" in _messages(parsed)


def test_xhtml_with_an_xml_declaration_is_read():
    page = (
        b'<?xml version="1.0" encoding="utf-8"?>'
        b"<html><body><h1>Who?</h1><p>Words.</p></body></html>"
    )
    assert _import(page, "a.xhtml").title == "Who?"


def test_an_unexpected_failure_in_a_converter_is_a_report_not_a_crash(monkeypatch):
    import comparisons.converters as converters

    def broken(text):
        raise RuntimeError("boom")

    monkeypatch.setattr(converters, "_text", broken)
    assert "could not be read" in _single_error(_import(b"Some text", "a.txt"))


def test_word_styles_the_importer_does_not_know_are_reported_once_and_in_plain_words():
    from comparisons.converters import _word_message

    paragraph = _word_message("Unrecognised paragraph style: Quote Box (Style ID: QuoteBox)")
    assert paragraph.startswith("Text in the Word style 'Quote Box' was read as ordinary")
    assert _word_message("Unrecognised run style: Emphasis Strong (Style ID: ES)") == ""
    assert _word_message("Unsupported break type: column") == (
        "From the Word document: Unsupported break type: column"
    )

    def build(document):
        document.add_heading("Who?", level=1)
        document.add_paragraph("One.", style="Intense Quote")
        document.add_paragraph("Two.", style="Intense Quote")

    parsed = _import(_docx_bytes(build), "q.docx")
    assert _messages(parsed).count("Word style 'Intense Quote'") == 1


def test_lines_set_apart_by_a_blank_line_of_breaks_are_paragraphs_of_their_own():
    html = "<h1>Who?</h1><div>First para.<br><br>Second para.<br>same para.<br> <br>Third.</div>"
    parsed = _import(html, fmt=HTML, fragment=True)
    passages = [p.text for s in parsed.sections for p in s.passages]
    assert passages == ["First para.", "Second para. same para.", "Third."]


def test_a_table_typed_with_bars_in_plain_text_is_the_matrix():
    text = (
        "Who was harsher?\n\n"
        "| Dimension | Lenin | Stalin |\n| --- | --- | --- |\n| Terror | Some. | Much more. |\n\n"
        "Terror\n\nBoth used it.\n"
    )
    parsed = _import(text, "a.txt")
    assert parsed.ok, _messages(parsed)
    assert parsed.subjects == ["Lenin", "Stalin"]
    assert parsed.contrasts == {("Terror", "Lenin"): "Some.", ("Terror", "Stalin"): "Much more."}


def test_a_plain_text_table_with_too_many_columns_is_refused():
    text = "Wide?\n\n" + "\t".join(["x"] * 30) + "\n" + "\t".join(["y"] * 30) + "\n"
    assert "more than 20 columns" in _single_error(_import(text, "a.txt"))
