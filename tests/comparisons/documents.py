"""The demo article in every format the importer reads, built from the Markdown original."""

import io
from pathlib import Path

import docx

DEMO = Path(__file__).resolve().parents[2] / "comparisons" / "demo" / "khrushchev-stalin.md"
SAVED_PAGE = Path(__file__).resolve().parent / "fixtures" / "khrushchev-stalin.html"


def demo_markdown() -> str:
    return DEMO.read_text()


def _blocks(markdown: str):
    """(kind, text) for each line of the demo: it has one block per line, a table at the end."""
    for line in markdown.splitlines():
        if not line.strip():
            continue
        if line.startswith("## "):
            yield "h2", line[3:]
        elif line.startswith("# "):
            yield "h1", line[2:]
        elif line.startswith("- "):
            yield "item", line[2:]
        elif line.startswith("|"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if set("".join(cells)) <= set("- "):
                continue
            yield "row", cells
        else:
            yield "p", line


def demo_docx(*, bold_headings: bool = False) -> bytes:
    """The demo as Word would save it: Heading styles (or bold lines), bullets, a table."""
    document = docx.Document()
    rows = []
    for kind, text in _blocks(demo_markdown()):
        if kind == "h1":
            document.add_heading(text, level=1)
        elif kind == "h2" and bold_headings:
            document.add_paragraph().add_run(text).bold = True
        elif kind == "h2":
            document.add_heading(text, level=2)
        elif kind == "item":
            document.add_paragraph(text, style="List Bullet")
        elif kind == "row":
            rows.append(text)
        else:
            document.add_paragraph(text)
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for row, cells in zip(table.rows, rows, strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def demo_text() -> str:
    """The demo as plain text, as copied out of a word processor: the table split by tabs."""
    lines = []
    previous = None
    for kind, text in _blocks(demo_markdown()):
        if kind == "row":
            if previous != "row":
                lines.append("")
            lines.append("\t".join(text))
        elif kind == "item":
            if previous != "item":
                lines.append("")
            lines.append("• " + text)
        else:
            lines.extend(["", text])
        previous = kind
    return "\n".join(lines).strip() + "\n"


def saved_page() -> bytes:
    """The demo as a saved web page: navigation, cookie banner, sidebar, comments, footer."""
    return SAVED_PAGE.read_bytes()
