"""Export an essay draft: title, paragraphs with their citations, the passages cited."""

import io
import re

from docx import Document

from essays.exports import clean, md_escape, one_line
from essays.exports import filename as outline_filename

CITATION = re.compile(r"(?:§\s*\d+\s*)?¶\s*\d+")


def filename(draft, ext: str) -> str:
    return outline_filename(draft, ext).replace("_outline.", "_draft.")


def cited(draft) -> list[str]:
    """The citations used in the paragraphs, in order of first use."""
    seen = []
    for section in draft.sections.all():
        for match in CITATION.findall(section.paragraph):
            short = " ".join(match.split())
            if short not in seen:
                seen.append(short)
    return seen


def working_notes(draft) -> list[tuple[str, str, str]]:
    """(citation, note, reasoning) for each piece of evidence the draft carries from its
    outline that has a note or reasoning: the student's thinking goes with the essay."""
    rows = []
    for section in draft.sections.all():
        for item in section.evidence.all():
            note, reasoning = one_line(item.note), one_line(item.commentary)
            if item.quote.strip() and note or reasoning:
                rows.append(
                    (one_line(item.citation), note if item.quote.strip() else "", reasoning)
                )
    return rows


def to_markdown(draft) -> str:
    lines = [
        f"# {md_escape(one_line(draft.title))}",
        "",
        f"*{md_escape(one_line(draft.assignment.essay_prompt))}*",
        "",
    ]
    for section in draft.sections.all():
        if section.paragraph.strip():
            lines += [md_escape(section.paragraph.strip()), ""]
    sources = cited(draft)
    if sources:
        lines += ["## Passages cited", ""] + [f"- {source}" for source in sources] + [""]
    notes = working_notes(draft)
    if notes:
        lines += ["## My notes and reasoning", ""]
        for citation, note, reasoning in notes:
            parts = [f"Note: {md_escape(note)}" if note else "", md_escape(reasoning)]
            lines.append(f"- ({md_escape(citation)}) " + " ".join(p for p in parts if p))
        lines.append("")
    return "\n".join(lines)


def to_docx(draft) -> bytes:
    document = Document()
    document.core_properties.title = clean(draft.title)
    document.core_properties.author = clean(draft.author.display_name)
    document.add_heading(one_line(draft.title), level=0)
    question = document.add_paragraph().add_run(clean(draft.assignment.essay_prompt))
    question.italic = True
    for section in draft.sections.all():
        if section.paragraph.strip():
            document.add_paragraph(clean(section.paragraph.strip()))
    sources = cited(draft)
    if sources:
        document.add_heading("Passages cited", level=1)
        for source in sources:
            document.add_paragraph(source, style="List Bullet")
    notes = working_notes(draft)
    if notes:
        document.add_heading("My notes and reasoning", level=1)
        for citation, note, reasoning in notes:
            parts = [f"Note: {note}" if note else "", reasoning]
            text = f"({citation}) " + " ".join(p for p in parts if p)
            document.add_paragraph(text, style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


FORMATS = {
    "md": (to_markdown, "text/markdown; charset=utf-8"),
    "docx": (to_docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
}
