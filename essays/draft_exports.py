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
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


FORMATS = {
    "md": (to_markdown, "text/markdown; charset=utf-8"),
    "docx": (to_docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
}
