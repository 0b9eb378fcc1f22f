"""Turn a Word document, a web page, pasted rich text or plain text into a Markdown article.

The Markdown importer (`comparisons.importer`) is the one place the rules of an article live:
the title, sections from headings, one passage per paragraph, the first table as the matrix,
dimension tagging and the report. Every other format is converted here into the Markdown that
importer reads, and whatever the conversion could not carry across (a footnote, a comment, a
script, a cookie banner) is listed as a `Problem` in front of the importer's own. So every
format gets the same rules, the same report and the same all-or-nothing save.

The converted Markdown is also what the import page shows in its text box: the teacher sees
what will be imported, the importer's line numbers point into that text, and "Create" posts it.

How each format is read:

- Word (.docx): mammoth turns the document into simple HTML (headings from the Heading styles,
  paragraphs, lists, tables); the HTML is then read like a web page fragment. The zip is checked
  first: its size once unpacked, its compression ratio, that it holds a Word document at all,
  and that no XML part declares a DTD or entities (Word never writes one). Footnotes, endnotes,
  comments, tracked changes, pictures and text boxes are reported. A short paragraph set wholly
  in bold is taken for a heading, and the report says it was a guess.
- Web page (.html, .htm): readability finds the article in a full page, dropping navigation,
  banners, sidebars, comments and footers; the article's headings, paragraphs, lists and tables
  are kept. A fragment (pasted rich text) is read whole, without that search.
- HTML never comes through as markup: only text is kept. Scripts, styles, frames, forms and
  embedded objects are removed with everything in them, attributes are never read (so event
  handlers leave no trace), links keep their words, and nothing a page refers to is fetched.
- Plain text (.txt): blank lines separate paragraphs; a first short line is the title; a line
  standing alone that is in title case or ends with a colon is taken for a section heading (a
  guess, reported); lines starting with "-", "*" or "•" are list items; lines split by tabs (a
  table copied from a browser or a word processor) make a table.

All work is bounded: input size per format, the unpacked size of a .docx, nesting depth, table
rows, and the number of blocks, each with a plain message when a limit is reached.
"""

from __future__ import annotations

import copy
import io
import logging
import re
import zipfile
from dataclasses import dataclass, field

from comparisons.importer import (
    ERROR,
    WARNING,
    ParsedComparison,
    Problem,
    parse_comparison,
    size_problem,
)

MARKDOWN = "markdown"
TEXT = "text"
DOCX = "docx"
HTML = "html"

logger = logging.getLogger(__name__)

FORMAT_NAMES = {
    MARKDOWN: "Markdown",
    TEXT: "plain text",
    DOCX: "Word document",
    HTML: "web page",
}

EXTENSIONS = {
    ".md": MARKDOWN,
    ".markdown": MARKDOWN,
    ".txt": TEXT,
    ".text": TEXT,
    ".docx": DOCX,
    ".html": HTML,
    ".htm": HTML,
    ".xhtml": HTML,
}

# A .docx is a zip: limits on what it may unpack to, so a small upload cannot become gigabytes.
DOCX_MAX_UNPACKED = 30_000_000
# The XML mammoth parses (the text, styles, lists, notes and comments); parsing is the slow part.
DOCX_MAX_XML = 1_000_000
DOCX_MAX_RATIO = 100
DOCX_MAX_ENTRIES = 2_000

# Limits on the converted article; a comparison text is a few thousand words, not a book.
MAX_DEPTH = 60
MAX_BLOCKS = 5_000
MAX_TABLE_ROWS = 200
MAX_TABLE_COLUMNS = 20
# Elements in a parsed page; a long article saved with its site around it has a few thousand.
MAX_ELEMENTS = 20_000
# Nesting in a page; real pages stay well under it, and finding the article slows with depth.
MAX_PAGE_DEPTH = 100

# A bold paragraph this short, on its own, reads as a heading.
BOLD_HEADING_MAX = 120

_ZIP_MAGIC = b"PK\x03\x04"
_EXE_MAGICS = (b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")
_HTML_START = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*"
    rb"<(?:!doctype\s+html|html|head|body|meta|div|p|h[1-6]|article|table)\b",
    re.IGNORECASE | re.DOTALL,
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
# Characters that mean something to Markdown anywhere in a line, and an entity-like "&name;".
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]<|])|&(?=#?\w+;)")
# What makes a line a heading, quotation, list item, rule, fence or setext underline.
_MARKDOWN_LINE_START = re.compile(r"^(?:([#>+=~-])|(\d+)([.)]))")


@dataclass
class Converted:
    """The Markdown a file became, and what the conversion could not carry across."""

    markdown: str = ""
    problems: list[Problem] = field(default_factory=list)
    format: str = MARKDOWN
    pasted: bool = False

    @property
    def description(self) -> str:
        """What the text was read as, for the report: "a Word document", "pasted text"..."""
        if self.pasted:
            return "formatted text pasted from another program"
        return {DOCX: "a Word document", HTML: "a web page", TEXT: "a plain text file"}.get(
            self.format, "Markdown"
        )

    @property
    def ok(self) -> bool:
        return not any(problem.severity == ERROR for problem in self.problems)


class _Refused(Exception):
    """The file cannot be converted at all; the message says why, for the teacher."""


def format_for(filename: str, data: bytes) -> str:
    """The format to read a file as: by its extension, corrected by what its first bytes show.

    A Word document renamed .html is still read as Word, a web page saved as .txt as a web page;
    anything that looks like a program is refused by `convert`.
    """
    name = filename.lower()
    dot = name.rfind(".")
    by_name = EXTENSIONS.get(name[dot:] if dot >= 0 else "", TEXT)
    head = data[:1024]
    if head.startswith(_ZIP_MAGIC):
        return DOCX
    if by_name in (TEXT, MARKDOWN, HTML) and _HTML_START.match(head.lstrip(b"\xef\xbb\xbf")):
        return HTML
    if by_name == DOCX:
        return DOCX  # not a zip: `convert` says it is not a Word document
    return by_name


def convert(data: bytes, fmt: str, *, fragment: bool = False) -> Converted:
    """Convert `data` in format `fmt` to Markdown; never raises on bad input."""
    try:
        if data.startswith(_EXE_MAGICS) and fmt != MARKDOWN:
            raise _Refused(
                "This file is a program, not a document. Upload a Word document (.docx), a web "
                "page (.html), or a text or Markdown file."
            )
        _refuse_other_documents(data, fmt)
        if fmt == DOCX:
            converted = _docx(data)
        elif fmt == HTML:
            converted = _html(_decode(data, html=True), page=not fragment)
        elif fmt == TEXT:
            converted = _text(_decode(data, html=False))
        else:
            converted = Converted(_decode(data, html=False, strict=True), [], MARKDOWN)
    except _Refused as refused:
        return Converted("", [Problem(None, str(refused), ERROR)], fmt)
    except Exception:  # noqa: BLE001 - an untrusted file must give a report, never a 500
        logger.exception("Converting an uploaded %s failed", fmt)
        return Converted(
            "",
            [
                Problem(
                    None,
                    f"This {FORMAT_NAMES.get(fmt, 'file')} could not be read. Save it again "
                    "from the program that made it, or copy the article and paste it instead.",
                    ERROR,
                )
            ],
            fmt,
        )
    converted.format = fmt
    return converted


def import_document(
    data: bytes,
    *,
    filename: str = "",
    fmt: str | None = None,
    fragment: bool = False,
    max_bytes: int,
) -> tuple[ParsedComparison, Converted]:
    """Convert a file of any supported format and read it with the Markdown importer.

    The conversion's problems come first in the report, then the importer's. When the
    conversion itself failed, the importer is not run and only the conversion's errors show.
    """
    fmt = fmt or format_for(filename, data)
    limit = max_bytes_for(fmt, max_bytes)
    if len(data) > limit:
        return ParsedComparison(problems=[size_problem(len(data), max_bytes=limit)]), Converted(
            format=fmt
        )
    converted = convert(data, fmt, fragment=fragment)
    converted.pasted = fragment
    if not converted.ok:
        return ParsedComparison(problems=converted.problems), converted
    if fmt != MARKDOWN and not converted.markdown.strip():
        where = "what was pasted" if fragment else "the file"
        nothing = Problem(
            None, f"No text was found in {where}, so there is nothing to import.", ERROR
        )
        return ParsedComparison(problems=[*converted.problems, nothing]), converted
    # The converted text escapes punctuation, so it may be longer than the file it came from;
    # the size that counts was checked above.
    parsed = parse_comparison(converted.markdown, max_bytes=max(3 * limit, max_bytes))
    parsed.problems[:0] = converted.problems
    return parsed, converted


def max_bytes_for(fmt: str, max_bytes: int) -> int:
    """The upload limit for a format, from the Markdown limit.

    A .docx is compressed XML and may carry pictures, and a saved web page carries its
    navigation, scripts and styles, so both may be larger files than the text they hold.
    """
    if fmt == DOCX:
        return max_bytes * 5
    if fmt == HTML:
        return max_bytes * 3
    return max_bytes


def _decode(data: bytes, *, html: bool, strict: bool = False) -> str:
    """Text from bytes: UTF-8, else the page's declared charset, else Windows-1252.

    Markdown must be UTF-8 (`strict`): its writers choose the encoding, and a wrong guess would
    garble the text silently. Plain text and web pages come from many programs, so they are
    read with the usual fallbacks.
    """
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        if strict:
            raise _Refused(
                "That file is not UTF-8 text. Save it as plain UTF-8 Markdown and try again."
            ) from None
    if html:
        match = re.search(rb"<meta[^>]+charset=[\"']?([\w-]+)", data[:4096], re.IGNORECASE)
        if match:
            try:
                return data.decode(match.group(1).decode("ascii"))
            except (LookupError, UnicodeDecodeError):
                pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise _Refused(
            "The file's text cannot be read: save it as UTF-8 text and try again."
        ) from None


def _refuse_other_documents(data: bytes, fmt: str) -> None:
    """PDFs, old Word files and other binary files are not text: say so, not import noise."""
    if data.startswith(b"%PDF"):
        raise _Refused(
            "This file is a PDF, which cannot be imported. Open it, copy the article, and "
            "paste it into the box instead."
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _Refused(
            "This file is in the old Word format (.doc). Open it in Word or another word "
            "processor, save it as .docx, and upload that."
        )
    if fmt in (TEXT, HTML) and b"\x00" in data[:8192]:
        raise _Refused(
            "This file does not hold text. Upload a Word document (.docx), a web page (.html), "
            "or a text or Markdown file."
        )


# --- Word ----------------------------------------------------------------------------------


def _docx(data: bytes) -> Converted:
    import mammoth

    parts = _checked_docx_parts(data)
    problems: list[Problem] = []
    _report_docx_extras(parts, problems)

    def no_picture(image):
        # Only text is imported: never read or embed the picture's bytes.
        return {"src": "", "alt": image.alt_text or ""}

    try:
        result = mammoth.convert_to_html(
            io.BytesIO(data),
            convert_image=mammoth.images.img_element(no_picture),
            style_map="p[style-name='Title'] => h1:fresh\np[style-name='Subtitle'] => p:fresh",
        )
    except Exception:  # noqa: BLE001 - a broken document is reported, never a 500
        raise _Refused(
            "This Word document could not be read; it may be damaged. Open it in Word, save "
            "it again as .docx, and try again."
        ) from None
    seen: set[str] = set()
    for message in result.messages:
        text = _word_message(str(getattr(message, "message", message)))
        if text and text not in seen:
            seen.add(text)
            problems.append(Problem(None, text, WARNING))
    converted = _html(result.value, page=False, from_word=True)
    converted.problems[:0] = problems
    return converted


_WORD_STYLE_MESSAGE = re.compile(
    r"^Unrecognised (paragraph|run|table) style: (.*) \(Style ID: .*\)$"
)


def _word_message(message: str) -> str:
    """mammoth's note about something it could not map, as a report line (or "" for none).

    A character style only changes how words look, which is dropped without a word in
    Markdown too; a paragraph or table style the importer does not know is read as ordinary
    text, which is worth a line.
    """
    match = _WORD_STYLE_MESSAGE.match(message)
    if not match:
        return f"From the Word document: {message}"
    kind, name = match.groups()
    if kind == "run":
        return ""
    return (
        f"Text in the Word style '{_clip(name)}' was read as ordinary "
        f"{'paragraphs' if kind == 'paragraph' else 'table cells'}. If they are headings, give "
        "them a Heading style in Word."
    )


def _checked_docx_parts(data: bytes) -> dict[str, bytes]:
    """The parts of a .docx, read after the zip's safety checks; raises `_Refused`."""
    not_word = (
        "This file is not a Word document (.docx). Save it from Word or another word "
        "processor as a .docx file, or upload a web page, text or Markdown file instead."
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _Refused(not_word) from None
    if len(entries) > DOCX_MAX_ENTRIES:
        raise _Refused("This Word document holds too many parts to be read safely.")
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names or "_rels/.rels" not in names:
        raise _Refused(not_word)
    unpacked = sum(entry.file_size for entry in entries)
    packed = sum(entry.compress_size for entry in entries) or 1
    if unpacked > DOCX_MAX_UNPACKED or unpacked / packed > DOCX_MAX_RATIO:
        raise _Refused(
            "This Word document unpacks to far more than a text of this kind needs, so it was "
            "not opened. If it holds large pictures, remove them and try again."
        )
    # Every part is read and checked, whatever its name says, because the package's
    # relationships decide which parts mammoth parses as XML.
    parts = {}
    for entry in entries:
        try:
            with archive.open(entry) as stream:
                content = stream.read(entry.file_size + 1)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError):
            raise _Refused(not_word) from None  # damaged, encrypted or of an unknown kind
        if len(content) > entry.file_size:
            raise _Refused(not_word)  # a part larger than its header says: not to be trusted
        if _DTD.search(content) or content.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise _Refused(
                "This Word document contains a document type declaration, which Word never "
                "writes and which could make the server fetch or expand other content, so it "
                "was not opened. Save it again from Word and try again."
            )
        parts[entry.filename] = content
    read = _parsed_parts(data, parts)
    if read is None:
        raise _Refused(not_word)
    if sum(len(parts.get(name, b"")) for name in read) > DOCX_MAX_XML:
        raise _Refused(
            "This Word document is too long to import: a comparison text is a few pages. "
            "Import a shorter part of it."
        )
    parts["word/document.xml"] = parts.get(read[0], b"")
    return parts


def _parsed_parts(data: bytes, parts: dict[str, bytes]) -> list[str] | None:
    """The parts mammoth will parse as XML, main document first; None if it has none.

    Found the way mammoth finds them (its own reader of the package's relationships, safe to
    run now that no part declares a DTD), so the budget counts what will really be parsed.
    """
    from mammoth.docx import _find_part_paths
    from mammoth.zips import open_zip

    try:
        paths = _find_part_paths(open_zip(io.BytesIO(data), "r"))
    except Exception:  # noqa: BLE001 - malformed relationships: not a Word document
        return None
    main = paths.main_document
    if main not in parts:
        return None
    named = [paths.styles, paths.numbering, paths.footnotes, paths.endnotes, paths.comments]
    relationships = [name for name in parts if name.endswith(".rels")]
    return [main, *(name for name in named if name in parts), *relationships]


def _report_docx_extras(parts: dict[str, bytes], problems: list[Problem]) -> None:
    document = parts.get("word/document.xml", b"")
    comments = parts.get("word/comments.xml", b"").count(b"<w:comment ")
    if comments:
        problems.append(
            Problem(
                None,
                f"{_count(comments, 'comment')} in the Word document left out: only the text "
                "itself is imported.",
                WARNING,
            )
        )
    changes = document.count(b"<w:ins ") + document.count(b"<w:del ")
    if changes:
        problems.append(
            Problem(
                None,
                "The Word document has tracked changes; it was read as if all of them were "
                "accepted. Accept or reject them in Word first if that is not what you want.",
                WARNING,
            )
        )
    # Word writes each text box twice (a drawing and a fallback for older readers).
    boxes = document.count(b"<wps:txbx") or document.count(b"<v:textbox")
    if boxes:
        problems.append(
            Problem(
                None,
                f"{_count(boxes, 'text box', 'text boxes')} in the Word document: their words "
                "were kept as ordinary paragraphs where the box is anchored, so check where "
                "they ended up.",
                WARNING,
            )
        )


# --- HTML ----------------------------------------------------------------------------------

# Removed with everything inside them: nothing here is text a reader sees.
_REMOVED = frozenset(
    "script style noscript iframe frame frameset object embed applet form input button select "
    "option textarea template svg math canvas video audio source track map head link meta "
    "base dialog".split()
)
_REMOVED_REPORTED = {
    "script": "script",
    "iframe": "embedded frame",
    "frame": "embedded frame",
    "object": "embedded object",
    "embed": "embedded object",
    "applet": "embedded object",
    "form": "form",
    "video": "video",
    "audio": "sound clip",
    "svg": "drawing",
    "canvas": "drawing",
    "math": "formula",
}
_INLINE = frozenset(
    "a abbr b bdi bdo cite code data dfn em font i kbd mark q rp rt ruby s samp small span "
    "strike strong sub sup time tt u var wbr del ins label nobr big".split()
)
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_LISTS = frozenset(("ul", "ol", "menu", "dl"))
_LIST_ITEMS = frozenset(("li", "dt", "dd"))


@dataclass
class _Block:
    kind: str  # "heading", "paragraph", "item", "quote", "table"
    text: str = ""
    level: int = 0
    rows: list[list[str]] = field(default_factory=list)


class _LimitReached(Exception):
    pass


def _html(html: str, *, page: bool, from_word: bool = False) -> Converted:
    import lxml.etree
    import lxml.html

    # lxml refuses a str that declares its encoding, as XHTML saved from a browser may.
    html = _XML_DECLARATION.sub("", html.replace("\x00", ""), count=1)
    if not html.strip():
        return Converted("", [], HTML)
    parser = lxml.html.HTMLParser(
        remove_comments=True, remove_pis=True, no_network=True, recover=True, huge_tree=False
    )
    try:
        root = lxml.html.document_fromstring(html, parser=parser)
    except (lxml.etree.ParserError, ValueError):
        raise _Refused("The web page could not be read as HTML.") from None
    if any("depth" in error.message for error in parser.error_log):
        # libxml2 stops reading past 256 levels, so the rest of the page would be lost.
        raise _Refused(_too_deep())
    problems: list[Problem] = []
    try:
        _check_size(root)
    except _LimitReached as limit:
        return Converted("", [Problem(None, str(limit), ERROR)], HTML)
    title_tag = _squash(" ".join(root.xpath("//title//text()")))
    _strip_hidden(root, problems)
    if from_word:
        _drop_footnotes(root, problems)
    if page:
        root = _article(root, title_tag, problems)
    reader = _HtmlReader(problems, from_word=from_word)
    try:
        reader.read(root)
    except _LimitReached as limit:
        return Converted("", [Problem(None, str(limit), ERROR)], HTML)
    reader.finish()
    return Converted(_markdown(reader.blocks), problems, HTML)


def _check_size(root) -> None:
    """Refuse a page too big to read quickly, before the slower work of finding the article."""
    import lxml.etree

    for table in root.iter("table"):
        if sum(1 for _ in table.iter("tr")) > MAX_TABLE_ROWS:
            raise _LimitReached(_too_many_rows())
    elements = depth = deepest = 0
    for event, _element in lxml.etree.iterwalk(root, events=("start", "end")):
        if event == "start":
            elements += 1
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    if deepest > MAX_PAGE_DEPTH:
        raise _LimitReached(_too_deep())
    if elements > MAX_ELEMENTS:
        raise _LimitReached(
            f"The page has more than {MAX_ELEMENTS:,} parts (paragraphs, links, boxes and so "
            "on), far more than a comparison text needs. Save or copy just the article and "
            "import that."
        )


def _too_deep() -> str:
    return (
        f"The page is nested too deeply to be read (more than {MAX_PAGE_DEPTH} levels of boxes "
        "inside boxes). Save or copy just the article and import that."
    )


def _too_many_rows() -> str:
    return (
        f"A table has more than {MAX_TABLE_ROWS} rows. The comparison table needs one row per "
        "dimension: shorten the table, or remove the tables that are not the comparison."
    )


def _strip_hidden(root, problems: list[Problem]) -> None:
    """Remove scripts, styles, frames and the like, with everything in them, and report them."""
    counts: dict[str, int] = {}
    doomed = [element for element in root.iter() if _tag(element) in _REMOVED]
    for element in doomed:
        what = _REMOVED_REPORTED.get(_tag(element))
        if what:
            counts[what] = counts.get(what, 0) + 1
        parent = element.getparent()
        if parent is not None:
            _remove_keeping_tail(element)
    for what, number in counts.items():
        problems.append(
            Problem(
                None,
                f"{_count(number, what)} left out: only text is imported, and nothing in a "
                "page is ever run.",
                WARNING,
            )
        )


def _drop_footnotes(root, problems: list[Problem]) -> None:
    """mammoth appends footnotes and endnotes as a list, with numbered links to them."""
    notes = [
        element
        for element in root.iter("li")
        if (element.get("id") or "").startswith(("footnote-", "endnote-"))
    ]
    references = [
        element
        for element in root.iter("a")
        if (element.get("href") or "").startswith(("#footnote-", "#endnote-"))
    ]
    for reference in references:
        holder = reference.getparent()
        if holder is not None and _tag(holder) == "sup" and len(holder) == 1:
            _remove_keeping_tail(holder)
        elif holder is not None:
            _remove_keeping_tail(reference)
    lists = {note.getparent() for note in notes}
    for note in notes:
        _remove_keeping_tail(note)
    for element in lists:
        if element is not None and len(element) == 0 and element.getparent() is not None:
            _remove_keeping_tail(element)
    if notes:
        problems.append(
            Problem(
                None,
                f"{_count(len(notes), 'footnote')} in the Word document left out, with the "
                "numbers that pointed to them: only the main text is imported.",
                WARNING,
            )
        )


def _article(root, title_tag: str, problems: list[Problem]):
    """The article inside a full page, found by readability; the page itself if none is found."""
    import lxml.html
    from readability import Document

    body = root.find("body")
    if body is None or not len(body):
        return root
    headings = [_squash(" ".join(h1.itertext())) for h1 in root.iter("h1")]
    tables = list(root.iter("table"))
    first_table = copy.deepcopy(tables[0]) if tables else None
    whole = lxml.html.tostring(root, encoding="unicode")
    try:
        document = Document(whole)
        summary = document.summary(html_partial=True)
    except Exception:  # noqa: BLE001 - readability gives up on some pages; read the whole page
        problems.append(
            Problem(
                None,
                "The article could not be told apart from the rest of the page, so the whole "
                "page was read. Check for menus and notices among the paragraphs.",
                WARNING,
            )
        )
        return root
    article = lxml.html.fragment_fromstring(summary, create_parent="div")
    if not any(True for _ in article.iter("h1")):
        # The title often sits above the article's text; the page's <title> says which of the
        # page's top headings it is (a site's logo is often an <h1> too).
        title = max((text for text in headings if text and text in title_tag), key=len, default="")
        heading = lxml.html.Element("h1")
        heading.text = title or title_tag
        if heading.text:
            article.insert(0, heading)
    if first_table is not None and not any(True for _ in article.iter("table")):
        article.append(first_table)
        problems.append(
            Problem(
                None,
                "The page's first table was outside the part taken as the article, so it was "
                "added after the article's text as the comparison table. Check it is the right "
                "one.",
                WARNING,
            )
        )
    problems.append(
        Problem(
            None,
            "The article was taken out of the web page; its menus, banners, sidebars, comments "
            "and footer were left out. Check that no paragraph of the article went with them.",
            WARNING,
        )
    )
    return article


class _HtmlReader:
    """Walk an HTML tree into blocks: headings, paragraphs, list items, tables."""

    def __init__(self, problems: list[Problem], *, from_word: bool):
        self.problems = problems
        self.from_word = from_word
        self.blocks: list[_Block] = []
        self.links = 0
        self.pictures = 0
        self.deep = False
        self.cells_merged = False
        self.bold_headings = 0
        self.quotes = 0

    def read(self, root) -> None:
        self._container(root, depth=0, list_depth=0)

    def finish(self) -> None:
        if self.links:
            self._warn(
                f"{_count(self.links, 'link')} kept {'its' if self.links == 1 else 'their'} "
                "words, but the addresses were left out: only text is imported."
            )
        if self.pictures:
            self._warn(
                f"{_count(self.pictures, 'picture')} left out: only text is imported; any "
                "description a picture had was kept in the text."
            )
        if self.deep:
            self._warn(
                f"Parts of the page were nested more than {MAX_DEPTH} levels deep; their words "
                "were kept, run together as one paragraph each."
            )
        if self.cells_merged:
            self._warn(
                "A table has cells spanning several rows or columns; they were read as one "
                "cell each, so check that the table's rows still line up."
            )
        if self.bold_headings:
            self._warn(
                f"{_count(self.bold_headings, 'short paragraph')} set wholly in bold "
                f"{'was' if self.bold_headings == 1 else 'were'} taken for section headings "
                "(a guess). Use Word's Heading styles to say so for certain."
            )

    def _warn(self, message: str) -> None:
        self.problems.append(Problem(None, message, WARNING))

    def _add(self, block: _Block) -> None:
        if len(self.blocks) >= MAX_BLOCKS:
            raise _LimitReached(
                f"The text has more than {MAX_BLOCKS:,} paragraphs, headings and list items; a "
                "comparison text should be far shorter. Import a shorter part of it."
            )
        self.blocks.append(block)

    def _container(self, element, *, depth: int, list_depth: int) -> None:
        """Read a block element whose children may be blocks or inline text."""
        if depth > MAX_DEPTH:
            self.deep = True
            self._paragraph(_squash(" ".join(element.itertext())))
            return
        run: list[str] = []
        if element.text:
            run.append(element.text)
        after_break = False  # the last thing read was a <br> with only spaces after it
        for child in element:
            tag = _tag(child)
            if tag == "br" and after_break:
                # Text set apart by a blank line (<br><br>) is a new paragraph.
                self._paragraph(_squash("".join(run)))
                run = []
            elif (tag in _INLINE and not _holds_blocks(child)) or tag in ("img", "br"):
                run.append(self._inline(child, depth + 1))
            else:
                self._paragraph(_squash("".join(run)))
                run = []
                self._block(child, tag, depth=depth + 1, list_depth=list_depth)
            after_break = tag == "br" and not (child.tail or "").strip()
            if child.tail:
                run.append(child.tail)
        self._paragraph(_squash("".join(run)))

    def _block(self, element, tag: str, *, depth: int, list_depth: int) -> None:
        if tag in _HEADINGS:
            text = _squash(self._inline(element, depth))
            if text:
                self._add(_Block("heading", text, level=_HEADINGS[tag]))
        elif tag == "p":
            self._p(element, depth)
        elif tag in _LISTS:
            for item in element:
                if _tag(item) in _LIST_ITEMS:
                    self._item(item, depth=depth + 1, list_depth=list_depth + 1)
                else:
                    self._block(item, _tag(item), depth=depth + 1, list_depth=list_depth)
        elif tag in _LIST_ITEMS:
            self._item(element, depth=depth, list_depth=list_depth + 1)
        elif tag == "table":
            self._table(element, depth)
        elif tag == "blockquote":
            self.quotes += 1
            before = len(self.blocks)
            self._container(element, depth=depth, list_depth=list_depth)
            for block in self.blocks[before:]:
                if block.kind == "paragraph":
                    block.kind = "quote"
        elif tag == "hr":
            return
        elif tag == "pre":
            self._paragraph(_squash(" ".join(element.itertext())))
        else:
            self._container(element, depth=depth, list_depth=list_depth)

    def _p(self, element, depth: int) -> None:
        text = _squash(self._inline(element, depth))
        if not text:
            return
        word_list = _WORD_LIST_LEVEL.search(element.get("style") or "")
        if word_list or (element.get("class") or "").startswith("MsoListParagraph"):
            # Word puts a list on the clipboard as paragraphs that start with their bullet.
            level = int(word_list.group(1)) if word_list else 1
            self._add(_Block("item", _WORD_BULLET.sub("", text), level=min(level, 9)))
            return
        if self.from_word and self._bold_line(element, text):
            self.bold_headings += 1
            self._add(_Block("heading", text, level=2))
            return
        self._add(_Block("paragraph", text))

    def _bold_line(self, element, text: str) -> bool:
        if len(text) > BOLD_HEADING_MAX or text.endswith((".", ",", ";")):
            return False
        if _squash(element.text or ""):
            return False
        children = list(element)
        return bool(children) and all(
            _tag(child) in ("strong", "b") and not _squash(child.tail or "") for child in children
        )

    def _item(self, element, *, depth: int, list_depth: int) -> None:
        """A list item: its own words, then any list nested in it."""
        if depth > MAX_DEPTH:
            self.deep = True
            self._paragraph(_squash(" ".join(element.itertext())))
            return
        words: list[str] = []
        nested = []
        if element.text:
            words.append(element.text)
        for child in element:
            tag = _tag(child)
            if tag in _LISTS:
                nested.append(child)
            elif tag in _INLINE or tag in ("img", "br"):
                words.append(self._inline(child, depth + 1))
            elif tag == "table":
                nested.append(child)
            else:
                words.append(" " + self._inline(child, depth + 1) + " ")
            if child.tail:
                words.append(child.tail)
        text = _squash("".join(words))
        if text:
            self._add(_Block("item", text, level=list_depth))
        for child in nested:
            self._block(child, _tag(child), depth=depth + 1, list_depth=list_depth)

    def _inline(self, element, depth: int) -> str:
        """The words of an element, counting links and pictures; no markup survives."""
        tag = _tag(element)
        if tag == "br":
            return " "
        if tag == "img":
            self.pictures += 1
            alt = _squash(element.get("alt") or "")
            return f" {alt} " if alt else " "
        if depth > MAX_DEPTH:
            self.deep = True
            return " ".join(element.itertext())
        if (
            tag == "a"
            and (element.get("href") or "").strip()
            and not (element.get("href") or "").startswith("#")
        ):
            self.links += 1
        parts = [element.text or ""]
        for child in element:
            child_tag = _tag(child)
            separator = "" if child_tag in _INLINE else " "
            parts.append(separator + self._inline(child, depth + 1) + separator)
            parts.append(child.tail or "")
        return "".join(parts)

    def _paragraph(self, text: str) -> None:
        if text:
            self._add(_Block("paragraph", text))

    def _table(self, table, depth: int) -> None:
        rows: list[list[str]] = []
        for row in table.iter("tr"):
            if _nearest_table(row) is not table:
                continue  # a row of a table nested in a cell: read as that cell's words
            if len(rows) >= MAX_TABLE_ROWS:
                raise _LimitReached(_too_many_rows())
            cells = []
            for cell in row:
                if _tag(cell) not in ("td", "th"):
                    continue
                if cell.get("colspan", "1") != "1" or cell.get("rowspan", "1") != "1":
                    self.cells_merged = True
                cells.append(_squash(self._inline_block(cell, depth + 1)))
            if len(cells) > MAX_TABLE_COLUMNS:
                raise _LimitReached(
                    f"A table has more than {MAX_TABLE_COLUMNS} columns; a comparison table "
                    "has one column per subject."
                )
            if any(cells):
                rows.append(cells)
        if rows:
            self._add(_Block("table", rows=rows))

    def _inline_block(self, element, depth: int) -> str:
        """All the words inside a cell, whatever blocks it holds, as one line."""
        return self._inline(element, depth)


_BLOCK_TAGS = frozenset(
    "p div section article main aside header footer nav h1 h2 h3 h4 h5 h6 ul ol li dl table "
    "blockquote pre figure hr".split()
)
_WORD_LIST_LEVEL = re.compile(r"mso-list:\s*l\d+\s+level(\d+)", re.IGNORECASE)
_WORD_BULLET = re.compile(r"^(?:[·•o§▪◦–-]|\(?(?:\d{1,3}|[a-zA-Z]|[ivxlcIVXLC]{1,5})[.)])\s+")


def _holds_blocks(element) -> bool:
    """An inline element wrapped around paragraphs, as Google Docs wraps a whole copy in <b>."""
    return any(_tag(child) in _BLOCK_TAGS for child in element)


def _nearest_table(row):
    parent = row.getparent()
    while parent is not None and _tag(parent) != "table":
        parent = parent.getparent()
    return parent


def _tag(element) -> str:
    tag = element.tag
    return tag.lower() if isinstance(tag, str) else ""


def _remove_keeping_tail(element) -> None:
    """Remove an element and its contents, keeping the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    previous = element.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


# --- Plain text ----------------------------------------------------------------------------

_ITEM = re.compile(r"^\s*(?:[-*•‣◦·]|\d{1,3}[.)])\s+")
_SMALL = frozenset("a an and as at but by for from in into nor of on or the to with vs".split())


def _text(text: str) -> Converted:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    problems: list[Problem] = []
    blocks: list[_Block] = []
    guessed = 0
    chunks = [chunk for chunk in re.split(r"\n\s*\n", text) if chunk.strip()]
    if len(chunks) > MAX_BLOCKS:
        raise _Refused(
            f"The text has more than {MAX_BLOCKS:,} paragraphs; a comparison text should be "
            "far shorter. Import a shorter part of it."
        )
    for index, chunk in enumerate(chunks):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        if len(lines) > 1 and all("\t" in line for line in lines):
            rows = [[_squash(cell) for cell in line.split("\t")] for line in lines]
        elif len(lines) > 1 and all(line.startswith("|") for line in lines):
            # A table typed with bars, as in Markdown; the "| --- |" line is only a separator.
            rows = [
                [_squash(cell) for cell in line.strip().strip("|").split("|")]
                for line in lines
                if not set(line) <= set("|-: ")
            ]
        else:
            rows = []
        if rows:
            if len(rows) > MAX_TABLE_ROWS:
                raise _Refused(_too_many_rows())
            if max(len(row) for row in rows) > MAX_TABLE_COLUMNS:
                raise _Refused(
                    f"A table has more than {MAX_TABLE_COLUMNS} columns; a comparison table "
                    "has one column per subject."
                )
            blocks.append(_Block("table", rows=rows))
        elif all(_ITEM.match(line) for line in lines):
            blocks.extend(_Block("item", _squash(_ITEM.sub("", line)), level=1) for line in lines)
        elif len(lines) == 1 and index == 0 and len(lines[0]) <= 200:
            blocks.append(_Block("heading", _squash(lines[0]), level=1))
        elif len(lines) == 1 and _looks_like_heading(lines[0]):
            guessed += 1
            blocks.append(_Block("heading", _squash(lines[0].rstrip(":")), level=2))
        else:
            blocks.append(_Block("paragraph", _squash(" ".join(lines))))
    if guessed:
        problems.append(
            Problem(
                None,
                f"{_count(guessed, 'line')} standing alone (short, in title case or ending with a "
                f"colon) {'was' if guessed == 1 else 'were'} taken for section headings (a guess). "
                "Check the sections in the text box.",
                WARNING,
            )
        )
    return Converted(_markdown(blocks), problems, TEXT)


def _looks_like_heading(line: str) -> bool:
    """A line standing alone that reads as a heading: title case, a closing colon, or short.

    Headings in sentence case ("Economic focus") are as common as title case, so a short line
    without a sentence's closing punctuation counts too; the report says these are guesses.
    """
    if len(line) > 100 or line.endswith((".", "?", "!", ",", ";")):
        return False
    if line.endswith(":"):
        return True
    words = re.findall(r"[^\W\d_][\w'’-]*", line)
    if not words or not words[0][0].isupper():
        return False
    title_case = all(word[0].isupper() or word.casefold() in _SMALL for word in words)
    return title_case or len(line.split()) <= 8


# --- Markdown out --------------------------------------------------------------------------


def _markdown(blocks: list[_Block]) -> str:
    """Blocks as Markdown whose every character of text reads back literally."""
    out: list[str] = []
    for block in blocks:
        if block.kind == "heading":
            out.append("#" * min(block.level, 6) + " " + _escape(block.text))
        elif block.kind == "paragraph":
            out.append(_escape(block.text))
        elif block.kind == "quote":
            out.append("> " + _escape(block.text))
        elif block.kind == "item":
            out.append("  " * (block.level - 1) + "- " + _escape(block.text))
        elif block.kind == "table":
            width = max(len(row) for row in block.rows)
            rows = [row + [""] * (width - len(row)) for row in block.rows]
            lines = ["| " + " | ".join(_escape(cell) for cell in rows[0]) + " |"]
            lines.append("|" + " --- |" * width)
            lines.extend(
                "| " + " | ".join(_escape(cell) for cell in row) + " |" for row in rows[1:]
            )
            out.append("\n".join(lines))
    # List items of one list sit on consecutive lines; everything else is its own block.
    text = ""
    for index, line in enumerate(out):
        if index:
            tight = blocks[index].kind == "item" and blocks[index - 1].kind == "item"
            text += "\n" if tight else "\n\n"
        text += line
    return text + "\n" if text else ""


def _escape(text: str) -> str:
    """Backslash what Markdown would read as markup, so the text reads back word for word.

    Only the characters that matter are escaped, so the text box stays readable.
    """
    text = _MARKDOWN_INLINE.sub(lambda match: "\\" + match.group(0), text)
    return _MARKDOWN_LINE_START.sub(
        lambda match: (
            "\\" + match.group(1) if match.group(1) else match.group(2) + "\\" + match.group(3)
        ),
        text,
    )


def _clip(text: str, length: int = 40) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _squash(text: str) -> str:
    return " ".join(text.split())


def _count(number: int, singular: str, plural: str | None = None) -> str:
    word = singular if number == 1 else (plural or singular + "s")
    return f"{number:,} {word}" if number != 1 else f"1 {word}"
