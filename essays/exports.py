"""An outline as a file to take away: Markdown (notes apps, plain-text editors) or Word
(.docx, where the essay gets written). Each function takes an Outline loaded with
`Outline.objects.for_editor()` and returns text or bytes; the API adds the headers.

Everything in an outline except the labels is user text, so it is cleaned on the way out:
characters that XML 1.0 cannot hold are removed (python-docx refuses them, and in a text
file they only do harm), and in Markdown every character that could start a heading, a
quote, a list, a code block, a table or HTML is escaped, so a student's words stay words.
"""

import io
import re

from django.utils.text import slugify
from docx import Document

from essays.models import Evidence

MATRIX = "matrix"  # the citation older outlines gave a cell of the summary table
TABLE_CITATIONS = (MATRIX, "summary table")  # the citation the builder gives a cell now

# --- cleaning ----------------------------------------------------------------------

# C0 controls other than tab and newline, lone surrogates and the two non-characters:
# none of them may appear in XML 1.0.
_NOT_XML = re.compile("[\x00-\x08\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Word's own line and page breaks, pasted in: they separate words, so they become newlines.
_BREAKS = re.compile("\r\n|[\r\x0b\x0c]")


def clean(text: str | None) -> str:
    """User text with newline line endings and nothing XML forbids."""
    return _NOT_XML.sub("", _BREAKS.sub("\n", text or ""))


def one_line(text: str | None) -> str:
    """For headings and titles: every run of whitespace becomes one space."""
    return " ".join(clean(text).split())


def paragraphs(text: str | None) -> list[str]:
    """Blank lines separate paragraphs; lines within one are kept."""
    blocks = re.split(r"\n\s*\n", clean(text).strip())
    return [block.strip() for block in blocks if block.strip()]


def marks(item: Evidence) -> str:
    """How the student uses a piece of evidence, in words: "Shows a difference, quoted."."""
    if item.source == Evidence.Source.TABLE:
        return "From the summary table."
    used = "quoted" if item.form == Evidence.Form.QUOTE else "in my own words"
    shows = item.get_relation_display() or "No relation chosen yet"
    return f"{shows}, {used}."


def source(item: Evidence) -> str:
    """Where a piece of evidence comes from, for a reader: "§3 ¶12" or "comparison table"."""
    citation = one_line(item.citation)
    table = item.source == Evidence.Source.TABLE or citation in TABLE_CITATIONS
    return "summary table" if table else citation


def passages_cited(outline) -> list[str]:
    """Each passage citation once, in the order the outline first uses it."""
    seen = {}
    for section in outline.sections.all():
        for item in section.evidence.all():
            citation = one_line(item.citation)
            if citation and citation not in TABLE_CITATIONS:
                seen.setdefault(citation, None)
    return list(seen)


def essay_question(outline) -> str:
    return outline.assignment.essay_prompt or outline.assignment.comparison.question


# --- file name ---------------------------------------------------------------------


def filename(outline, ext: str) -> str:
    """`sam-student_how-was-khrushchev-different-from-stalin_outline.md`: the student and
    the assignment, as an ASCII slug any file system and any Content-Disposition take."""
    student = _slug(outline.author.display_name, 40) or "student"
    assignment = _slug(outline.assignment.comparison.title, 60)
    return f"{student}_{assignment or f'assignment-{outline.assignment_id}'}_outline.{ext}"


def _slug(text: str, limit: int) -> str:
    """Lower-case ASCII words joined by hyphens, cut at a word boundary within `limit`."""
    slug = slugify(clean(text))
    if len(slug) > limit:
        cut = slug[: limit + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else slug[:limit]
    return slug.strip("-")


# --- Markdown ----------------------------------------------------------------------

# Anywhere in a line: emphasis, code, links and images, HTML and autolinks, tables, a
# heading's closing hashes, and the backslash itself. An "&" only where it would start an
# entity.
_INLINE = re.compile(r"([\\`*_\[\]<>|#])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
# At the start of a line (headings and quotes are escaped above): list items, setext
# underlines, thematic breaks and fences.
_LINE_START = re.compile(r"^([+\-=~])")
_ORDERED = re.compile(r"^(\d+)([.)])")


def md_escape(text: str) -> str:
    """User text as Markdown that renders as exactly that text, line by line. Leading spaces
    are dropped (four of them would start a code block)."""
    lines = []
    for line in clean(text).split("\n"):
        line = _ENTITY.sub(r"\\&", _INLINE.sub(r"\\\1", line.strip()))
        line = _ORDERED.sub(r"\1\\\2", _LINE_START.sub(r"\\\1", line))
        lines.append(line)
    return "\n".join(lines)


def to_markdown(outline) -> str:
    out = [
        f"# {md_escape(one_line(outline.title))}",
        f"{md_escape(one_line(outline.author.display_name))}, "
        f"*{md_escape(one_line(outline.assignment.comparison.title))}*",
    ]
    question = one_line(essay_question(outline))
    if question:
        out.append(f"**Question:** {md_escape(question)}")
    thesis = [md_escape(paragraph) for paragraph in paragraphs(outline.thesis)]
    thesis = thesis or ["*(not written yet)*"]
    out.append(f"**Thesis:** {thesis[0]}")
    out += thesis[1:]
    for section in outline.sections.all():
        out.append(f"## {md_escape(one_line(section.heading))}")
        out += [md_escape(paragraph) for paragraph in paragraphs(section.claim)]
        for item in section.evidence.all():
            out.append(_md_quote(item))
            note = one_line(item.note) if item.quote.strip() else ""
            if note:
                out.append(f"Note: {md_escape(note)}")
            commentary = " ".join(md_escape(p) for p in paragraphs(item.commentary))
            out.append(f"**{marks(item)}** {commentary}".rstrip())
        reasoning = one_line(section.reasoning)
        if reasoning:
            out.append(f"*{md_escape(reasoning)}*")
    cited = passages_cited(outline)
    if cited:
        out.append("## Passages cited")
        out.append("\n".join(f"- {md_escape(citation)}" for citation in cited))
    return "\n\n".join(out) + "\n"


def _md_quote(item: Evidence) -> str:
    quote = one_line(item.quote)
    words = f"“{md_escape(quote)}”" if quote else md_escape(one_line(item.note))
    cited = source(item)
    return f"> {words} ({md_escape(cited)})" if cited else f"> {words}"


# --- Word --------------------------------------------------------------------------


def to_docx(outline) -> bytes:
    document = Document()
    _properties(document, outline)
    document.add_heading(one_line(outline.title), level=0)
    byline = document.add_paragraph(style="Subtitle")
    byline.add_run(
        f"{one_line(outline.author.display_name)}, {one_line(outline.assignment.comparison.title)}"
    )
    question = one_line(essay_question(outline))
    if question:
        paragraph = document.add_paragraph()
        paragraph.add_run("Question: ").bold = True
        paragraph.add_run(question)

    document.add_heading("Thesis", level=1)
    for text in paragraphs(outline.thesis) or [""]:
        document.add_paragraph(text)

    for section in outline.sections.all():
        document.add_heading(one_line(section.heading), level=1)
        for text in paragraphs(section.claim):
            document.add_paragraph(text)
        for item in section.evidence.all():
            _docx_evidence(document, item)
        reasoning = one_line(section.reasoning)
        if reasoning:
            document.add_paragraph().add_run(reasoning).italic = True

    cited = passages_cited(outline)
    if cited:
        document.add_heading("Passages cited", level=1)
        for citation in cited:
            document.add_paragraph(citation, style="List Bullet")

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_evidence(document, item: Evidence) -> None:
    quote = one_line(item.quote)
    paragraph = document.add_paragraph(style="Quote")
    paragraph.add_run(f"“{quote}”" if quote else one_line(item.note))
    cited = source(item)
    if cited:
        paragraph.add_run(f" ({cited})")
    note = one_line(item.note) if quote else ""
    if note:
        document.add_paragraph().add_run(f"Note: {note}")
    commentary = document.add_paragraph()
    commentary.add_run(marks(item)).bold = True
    text = " ".join(paragraphs(item.commentary))
    if text:
        commentary.add_run(f" {text}")


def _properties(document, outline) -> None:
    """Title and author, as Word's File > Info shows them (each at most 255 characters)."""
    properties = document.core_properties
    name = one_line(outline.author.display_name)[:255]
    properties.title = one_line(outline.title)[:255]
    properties.subject = one_line(outline.assignment.comparison.title)[:255]
    properties.author = name
    properties.last_modified_by = name
    properties.comments = ""
    properties.revision = outline.version
    if outline.created_at and outline.updated_at:
        properties.created = outline.created_at
        properties.modified = outline.updated_at


# The formats offered, by file extension: (render, content type).
FORMATS = {
    "md": (to_markdown, "text/markdown; charset=utf-8"),
    "docx": (
        to_docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
}
