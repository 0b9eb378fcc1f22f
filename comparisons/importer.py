"""Turn a Markdown comparison article into plain data, and say what is wrong with it.

Teachers write a comparison as an ordinary Markdown article. This module reads that text and
returns a `ParsedComparison` holding only strings and lists, plus a list of `Problem`s written
for the teacher. It touches no models and no database, so the upload view, the management
command and the tests all get the same result and the same messages; `services.comparison_import`
saves the result.

How an article maps onto the data:

- Title: the first level-1 heading (`# ...`). Without one, the first heading of any level is
  used, with a warning.
- Question: the title when it ends with "?"; otherwise an introduction paragraph whose first line
  starts with "Question:" (that line is taken out of the passages); otherwise the title, with a
  warning suggesting a question.
- Sections: every other heading starts a section (`##` and `###` alike, in document order; a
  stray second `#` heading becomes a section with a warning). Paragraphs before the first section
  go to a section called "Introduction". A section with no passages is dropped with a warning,
  a section that only holds the comparison table too (the table becomes the matrix); only an
  empty implicit introduction goes quietly.
- Summary: the first paragraph of the introduction (not a list item), which stays a passage too.
- Passages: every paragraph is one passage, wherever it sits. Each list item is therefore its
  own passage (a tight list item is one paragraph), so a student can cite one point rather than
  a whole list; an item written as several paragraphs gives one passage per paragraph. Indented
  and fenced code blocks become passages as well, because a paragraph indented by four spaces
  is a code block by accident far more often than real code. Text is plain: inline Markdown is
  stripped (links keep their text, images their alt text) and whitespace collapsed.
- Raw HTML never comes through as markup. An HTML block (say `<script>...</script>` on its own
  lines) is dropped with a warning; HTML tags inside a paragraph are removed with a warning and
  the words between them kept as text. HTML comments are notes to self and are dropped quietly.
  Everything returned is plain text that templates escape.
- Matrix: the first table. Its header names the subjects (after a first cell labelling the
  dimension column); each body row names a dimension and gives one statement per subject. Later
  tables are ignored with a warning. Tables are never passages.
- Tagging: a passage is tagged with every dimension whose name, or whose distinctive first word,
  appears in its section heading; a paragraph can also end with `{dimensions: A, B}`. A
  dimension that no passage is tagged with gets a warning: its matrix row would have no links
  to the text.
- Nothing goes silently. Whatever is not imported as written is reported on its line: pictures
  (their alt text is kept), link addresses (their words are kept), quotations and nested lists
  (kept as ordinary passages, their shape lost), a fenced code block's line breaks, empty code
  blocks, horizontal rules, later tables, HTML blocks, and any Markdown the importer does not
  know. Only HTML comments and formatting such as emphasis, which no reader of the article
  would miss, go without a word.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

MAX_BYTES = 1_000_000

# Lengths of the matching model fields, so an article that parses cleanly also saves cleanly.
TITLE_MAX = 200
QUESTION_MAX = 300
NAME_MAX = 100
HEADING_MAX = 200

INTRODUCTION = "Introduction"

# A teacher fixes problems from the top; past this many, a longer list only buries them.
MAX_PROBLEMS = 100

# markdown-it's cost is not its input's length but its markup: a megabyte of prose parses in a
# tenth of a second, a megabyte of "[" took 25 s, since every "[" opens a link to be looked for,
# and other punctuation, list items and table rows cost tens of times a letter too. Before
# parsing, an article is weighed: each character counts 1, and the characters markdown-it
# stops at count as below (measured on a 2-core machine, each unit well under a microsecond;
# docs/decisions.md). An article over MARKUP_BUDGET is refused with a message before parsing,
# so any article up to MAX_BYTES is answered in about a second and a half at most. A real
# megabyte of prose weighs about 1.3 million.
MARKUP_BUDGET = 3_000_000
_MARKUP_WEIGHTS = {"[": 200, "*": 50, "_": 50, "`": 25, "\n": 80} | dict.fromkeys(
    "!#$%&+-:<=>@\\]^{}~|", 12
)
# A list item's line costs twice a paragraph's (its own block, and a paragraph inside it).
_LIST_ITEM = re.compile(r"^[ \t>]*(?:[-*+]|\d{1,9}[.)])[ \t]", re.MULTILINE)
_LIST_ITEM_WEIGHT = 100

# Shape limits, far above any real comparison, so that saving or previewing an import stays
# quick: each paragraph and section is a row, and the report lists every section.
MAX_SECTIONS = 300
MAX_PASSAGES = 3000
MAX_SUBJECTS = 20
MAX_DIMENSIONS = 200

ERROR = "error"
WARNING = "warning"

_markdown = MarkdownIt("commonmark").enable("table")

_TAG = re.compile(r"\s*\{\s*dimensions?\s*:([^{}]*)\}\s*$", re.IGNORECASE)
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
_BLOCKQUOTE_MARKERS = re.compile(r"^\s*(?:>\s?)*")
_HTML_TAG_NAME = re.compile(r"<\s*/?\s*([a-zA-Z][\w-]*)")
_LINE_BREAK_TAG = re.compile(r"<\s*(br|hr)\b", re.IGNORECASE)
_FIRST_WORD = re.compile(r"\w+")

# First words too common to identify a dimension on their own ("The economy" must match in full).
_SMALL_WORDS = frozenset(
    "a an and as at by for from how in its of on or the their to what who why".split()
)


@dataclass(frozen=True)
class Problem:
    line: int | None
    message: str
    severity: str


@dataclass
class ParsedPassage:
    text: str
    dimensions: list[str] = field(default_factory=list)


@dataclass
class ParsedSection:
    heading: str
    passages: list[ParsedPassage] = field(default_factory=list)


@dataclass
class ParsedComparison:
    title: str = ""
    question: str = ""
    summary: str = ""
    subjects: list[str] = field(default_factory=list)
    dimensions: list[str] = field(default_factory=list)
    contrasts: dict[tuple[str, str], str] = field(default_factory=dict)
    sections: list[ParsedSection] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing stops the import; warnings are only things to check."""
        return not self.errors

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == WARNING]

    def summary_counts(self) -> dict[str, int]:
        return {
            "sections": len(self.sections),
            "passages": sum(len(section.passages) for section in self.sections),
            "subjects": len(self.subjects),
            "dimensions": len(self.dimensions),
            "contrasts": len(self.contrasts),
        }


def parse_comparison(text: str, *, max_bytes: int = MAX_BYTES) -> ParsedComparison:
    """Read a Markdown article; never raises on bad input, it reports problems instead."""
    too_big = size_problem(len(text.encode("utf-8", "surrogatepass")), max_bytes=max_bytes)
    if too_big:
        return ParsedComparison(problems=[too_big])

    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    had_nul = "\x00" in text
    text = text.replace("\x00", "")
    if not text.strip():
        return ParsedComparison(problems=[Problem(None, "The file is empty.", ERROR)])
    too_much = markup_problem(text)
    if too_much:
        return ParsedComparison(problems=[too_much])

    parsed = _ArticleReader(text).read()
    if had_nul:
        parsed.problems.insert(
            0,
            Problem(
                None,
                "The file contained NUL characters, which were removed. If the text looks "
                "garbled, save the article as plain UTF-8 text and import it again.",
                WARNING,
            ),
        )
    return parsed


def size_problem(size: int, *, max_bytes: int = MAX_BYTES) -> Problem | None:
    """The error for a file of `size` bytes, or None if it is small enough.

    Public so that callers holding a file can refuse it before reading it into memory.
    """
    if size <= max_bytes:
        return None
    shown_size, shown_limit = _megabytes(size, max_bytes)
    return Problem(
        None,
        f"The file is {shown_size} MB; the largest article we can import is {shown_limit} MB.",
        ERROR,
    )


def markup_weight(text: str) -> int:
    """What parsing `text` would cost, in the units of MARKUP_BUDGET (see there)."""
    weight = len(text) + sum(
        text.count(char) * (weight - 1) for char, weight in _MARKUP_WEIGHTS.items()
    )
    return weight + _LIST_ITEM_WEIGHT * sum(1 for _ in _LIST_ITEM.finditer(text))


def markup_problem(text: str, *, budget: int = MARKUP_BUDGET) -> Problem | None:
    """The error for an article too heavy with Markdown punctuation to parse quickly."""
    weight = markup_weight(text)
    if weight <= budget:
        return None
    return Problem(
        None,
        f"The article has too much Markdown punctuation (such as [ ] * _ ` and line breaks) "
        f"for us to read it in one go: it weighs {weight / budget:.1f} times what one import "
        "may. Check that it is the right file; if it is, split it into smaller articles or "
        "remove symbols that are not formatting.",
        ERROR,
    )


def _megabytes(size: int, limit: int) -> tuple[str, str]:
    """Both sizes in MB, with just enough decimals that the file visibly exceeds the limit.

    The file size is rounded up and the limit down, so the message never reads "1.0 MB; the
    largest is 1.0 MB".
    """
    for decimals in range(1, 7):
        scale = 10**decimals
        shown_size = -(-size * scale // 1_000_000)
        shown_limit = limit * scale // 1_000_000
        if shown_limit > 0 and shown_size > shown_limit:
            break
    return f"{shown_size / scale:.{decimals}f}", f"{shown_limit / scale:.{decimals}f}"


@dataclass
class _Block:
    """A passage before tagging, with what is needed to report on it."""

    text: str
    line: int
    is_paragraph: bool
    tags: list[str]


@dataclass
class _Section:
    heading: str
    line: int | None
    blocks: list[_Block] = field(default_factory=list)
    holds_matrix: bool = False


class _ArticleReader:
    """One pass over the token stream, collecting data and problems as it goes."""

    def __init__(self, text: str):
        self.lines = text.split("\n")
        self.problems: list[Problem] = []
        self._reported: set[Problem] = set()
        self._unlisted: Counter[str] = Counter()
        self.title = ""
        self.title_line: int | None = None
        self.question = ""
        self.question_line: int | None = None
        self.sections = [_Section(INTRODUCTION, None)]
        self.matrix_line: int | None = None
        self.subjects: list[str] = []
        self.dimensions: list[str] = []
        self.contrasts: dict[tuple[str, str], str] = {}
        self.dimension_lines: dict[str, int] = {}

    def read(self) -> ParsedComparison:
        tokens = _markdown.parse("\n".join(self.lines))
        title_index = self._find_title(tokens)
        self._walk(tokens, title_index)
        self._report_unread(tokens)
        if self.matrix_line is None:
            self._error(
                None,
                "No comparison table found: add a table whose first column names the "
                "dimensions and whose other columns name the subjects.",
            )
        sections = self._finish_sections()
        self._check_shape(sections)
        question = self._choose_question()
        return ParsedComparison(
            title=self.title,
            question=question,
            summary=self._summary(),
            subjects=self.subjects,
            dimensions=self.dimensions,
            contrasts=self.contrasts,
            sections=sections,
            problems=self._listed_problems(),
        )

    def _check_shape(self, sections: list[ParsedSection]) -> None:
        """Errors for an article bigger than any comparison: see MAX_SECTIONS and below."""
        passages = sum(len(section.passages) for section in sections)
        for what, count, limit in (
            ("sections", len(sections), MAX_SECTIONS),
            ("paragraphs", passages, MAX_PASSAGES),
            ("subjects in its table", len(self.subjects), MAX_SUBJECTS),
            ("dimensions in its table", len(self.dimensions), MAX_DIMENSIONS),
        ):
            if count > limit:
                self._error(
                    None,
                    f"The article has {count:,} {what}; one comparison can have at most "
                    f"{limit:,}. Split it into smaller articles.",
                )

    # Reporting

    def _error(self, line: int | None, message: str) -> None:
        self._report(Problem(line, message, ERROR))

    def _warn(self, line: int | None, message: str) -> None:
        self._report(Problem(line, message, WARNING))

    def _report(self, problem: Problem) -> None:
        """Record a problem once, so a row with two HTML cells gives one warning, not two."""
        if problem in self._reported:
            return
        self._reported.add(problem)
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        else:
            self._unlisted[problem.severity] += 1

    def _listed_problems(self) -> list[Problem]:
        """The problems in line order, ending with a count of any left off the list."""
        problems = sorted(self.problems, key=lambda problem: problem.line or 0)
        unlisted = self._unlisted.total()
        if unlisted:
            problems.append(
                Problem(
                    None,
                    f"{unlisted} more problems were not listed; fix the ones above and import "
                    "again to see the rest.",
                    ERROR if self._unlisted[ERROR] else WARNING,
                )
            )
        return problems

    def _check_length(self, what: str, value: str, limit: int, line: int | None) -> None:
        if len(value) > limit:
            self._error(
                line,
                f"{what} on line {line} is {len(value)} characters long; the limit is "
                f"{limit}. Shorten it.",
            )

    def _plain(self, inline: Token, children: list[Token] | None = None) -> str:
        """Plain text of an inline token (or of some of its children), warning about HTML."""
        text, had_html = _plain_text(inline.children or [] if children is None else children)
        if had_html:
            line = _line(inline)
            self._warn(
                line,
                f"Line {line} contains HTML tags, which were removed; the words between them "
                "were kept as plain text.",
            )
        return text

    # Title

    def _find_title(self, tokens: list[Token]) -> int | None:
        """Index of the heading_open token used as the title, reporting odd structures."""
        headings = [i for i, token in enumerate(tokens) if token.type == "heading_open"]
        if not headings:
            self._error(
                None,
                "No title: start the article with a heading such as "
                "'# How was A different from B?'",
            )
            return None
        top_level = [i for i in headings if tokens[i].tag == "h1"]
        if top_level:
            index = top_level[0]
            if index != headings[0]:
                self._warn(
                    _line(tokens[index]),
                    f"The title on line {_line(tokens[index])} is not the first heading; the "
                    "headings above it were read as sections. Put the '# ' title first.",
                )
        else:
            index = headings[0]
            self._warn(
                _line(tokens[index]),
                f"There is no top-level '# ' heading, so the heading on line "
                f"{_line(tokens[index])} was used as the title. Start it with a single '#'.",
            )
        self.title_line = _line(tokens[index])
        self.title = self._plain(tokens[index + 1])
        if not self.title:
            self._error(self.title_line, f"The title on line {self.title_line} is empty.")
        self._check_length("The title", self.title, TITLE_MAX, self.title_line)
        return index

    # Walking the blocks

    def _walk(self, tokens: list[Token], title_index: int | None) -> None:
        list_depth = 0
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if token.type == "heading_open":
                if i != title_index:
                    self._start_section(token, tokens[i + 1])
                i += 3
                continue
            if token.type == "table_open":
                i = self._read_table(tokens, i)
                continue
            if token.type == "list_item_open":
                list_depth += 1
            elif token.type == "list_item_close":
                list_depth -= 1
            elif token.type == "paragraph_open":
                self._add_paragraph(tokens[i + 1], in_list=list_depth > 0)
            elif token.type in ("code_block", "fence"):
                self._add_block(_squash(token.content), _line(token), is_paragraph=False)
            elif token.type == "html_block":
                self._skip_html_block(token)
            i += 1

    def _start_section(self, heading_open: Token, inline: Token) -> None:
        line = _line(heading_open)
        heading = self._plain(inline)
        if not heading:
            self._warn(
                line,
                f"The heading on line {line} is empty, so it was ignored; the paragraphs "
                "under it stay in the section before.",
            )
            return
        if heading_open.tag == "h1":
            self._warn(
                line,
                f"Line {line} is a second top-level '# ' heading; only the first is the "
                "title, so this one became a section. Use '## ' for sections.",
            )
        self._check_length("The heading", heading, HEADING_MAX, line)
        self.sections.append(_Section(heading, line))

    def _add_paragraph(self, inline: Token, *, in_list: bool) -> None:
        line = _line(inline)
        children = inline.children or []
        if self._in_introduction() and not in_list:
            children = self._take_question(children, line)
            if not children:
                return
        text, tags = _split_tags(self._plain(inline, children))
        if not text:
            if tags:
                self._warn(
                    line,
                    f"The dimensions tag on line {line} has no text before it, so it was "
                    "ignored. Put it at the end of the paragraph it describes.",
                )
            return
        self._add_block(text, line, is_paragraph=not in_list, tags=tags)

    def _add_block(
        self, text: str, line: int, *, is_paragraph: bool, tags: list[str] | None = None
    ) -> None:
        if text:
            self.sections[-1].blocks.append(_Block(text, line, is_paragraph, tags or []))

    def _in_introduction(self) -> bool:
        return len(self.sections) == 1

    def _take_question(self, children: list[Token], line: int) -> list[Token]:
        """Take a leading "Question: ..." line as the question; return what is left.

        Only needed, and only looked for, when the title is not itself a question.
        """
        if self.title.endswith("?") or self.question:
            return children
        breaks = [i for i, child in enumerate(children) if child.type in _BREAKS]
        cut = breaks[0] if breaks else len(children)
        first_line, _ = _plain_text(children[:cut])
        label, _, question = first_line.partition(":")
        if label.strip().casefold() != "question" or not question.strip():
            return children
        self.question = question.strip()
        self.question_line = line
        return children[cut + 1 :]

    def _skip_html_block(self, token: Token) -> None:
        if token.content.lstrip().startswith("<!--"):
            return
        line = _line(token)
        tag = _HTML_TAG_NAME.search(token.content)
        what = f"The HTML block <{tag.group(1)}>" if tag else "The HTML block"
        self._warn(
            line,
            f"{what} on line {line} was left out: articles are imported as plain text, so "
            "write that part in Markdown instead.",
        )

    # What the walk does not turn into rows

    def _report_unread(self, tokens: list[Token]) -> None:
        """Report every piece of the article that is not imported as written.

        A second pass, so that the walk stays about building rows. Each block token is read
        by the walk (`_READ_BLOCKS`, including the HTML blocks and later tables it reports
        itself), a container handled below, or reported here; anything else, say a token from
        a Markdown extension enabled later, is reported as left out rather than lost silently.
        """
        lists = 0  # how many lists the current token sits in
        quotes = 0
        tables = 0
        in_table = False
        for token in tokens:
            kind = token.type
            line = _line(token)
            if kind == "table_open":
                tables += 1
                in_table = True
            elif kind == "table_close":
                in_table = False
            elif in_table and tables > 1:
                continue  # a later table: reported whole by `_read_table`
            elif kind in ("bullet_list_open", "ordered_list_open"):
                if lists:
                    self._warn(
                        line,
                        f"The list on line {line} sits inside another list. Its items were kept "
                        "as paragraphs of their own, so they no longer show which point they "
                        "belong to.",
                    )
                lists += 1
            elif kind in ("bullet_list_close", "ordered_list_close"):
                lists -= 1
            elif kind == "blockquote_open":
                quotes += 1
            elif kind == "blockquote_close":
                quotes -= 1
            elif kind == "paragraph_open" and quotes:
                self._warn(
                    line,
                    f"The quotation on line {line} was kept as an ordinary paragraph, so it no "
                    "longer shows as a quotation. Put it in quotation marks if students should "
                    "see that it is quoted.",
                )
            elif kind in ("code_block", "fence"):
                self._report_code(token, line)
            elif kind == "hr":
                self._warn(
                    line,
                    f"The horizontal rule on line {line} was left out: headings are what divide "
                    "the text into sections.",
                )
            elif kind == "inline":
                self._report_inline(token, line)
            elif kind not in _READ_BLOCKS:
                self._warn(
                    line,
                    f"Line {line} holds something the importer does not read, so it was left out.",
                )

    def _report_code(self, token: Token, line: int) -> None:
        lines = [text for text in token.content.split("\n") if text.strip()]
        if not lines:
            self._warn(line, f"The code block on line {line} is empty, so it was left out.")
        elif token.type == "fence" and len(lines) > 1:
            self._warn(
                line,
                f"The code block on line {line} was kept as one ordinary paragraph; its line "
                "breaks were lost.",
            )

    def _report_inline(self, inline: Token, line: int) -> None:
        """Pictures and link addresses, which plain text cannot hold."""
        for child in inline.children or []:
            if child.type == "image":
                alt = _squash(child.content)
                if alt:
                    self._warn(
                        line,
                        f"The picture on line {line} was left out: only text is imported. Its "
                        f"description, '{_clip(alt)}', was kept in the text.",
                    )
                else:
                    self._warn(
                        line,
                        f"The picture on line {line} was left out: only text is imported, and "
                        "it has no description to keep in its place.",
                    )
            elif child.type == "link_open":
                if child.markup == "autolink":
                    continue  # <https://...>: the address is the text, so nothing is lost
                address = _clip(str(child.attrs.get("href", "")), 60)
                self._warn(
                    line,
                    f"The link on line {line} kept its words, but its address ({address}) was "
                    "left out: only text is imported.",
                )
            elif child.type not in _READ_INLINE:
                self._warn(
                    line,
                    f"Line {line} holds something the importer does not read, so it was left out.",
                )

    # The comparison table

    def _read_table(self, tokens: list[Token], start: int) -> int:
        """Read the first table as the matrix, skip later ones; return the index after it."""
        end = next(i for i in range(start, len(tokens)) if tokens[i].type == "table_close")
        line = _line(tokens[start])
        if self.matrix_line is not None:
            self._warn(
                line,
                f"The table on line {line} was ignored: only the first table (line "
                f"{self.matrix_line}) is the comparison table.",
            )
            return end + 1
        self.matrix_line = line
        self.sections[-1].holds_matrix = True
        header, *body = self._table_rows(tokens[start:end])
        self._read_header(*header)
        if not body:
            self._error(
                line,
                f"The comparison table on line {line} has no rows: add one row per dimension "
                "under the header.",
            )
        seen: dict[str, int] = {}
        for row_line, cells in body:
            self._read_row(row_line, cells, len(header[1]), seen)
        self.dimension_lines = seen
        return end + 1

    def _table_rows(self, tokens: list[Token]) -> list[tuple[int, list[str]]]:
        rows: list[tuple[int, list[str]]] = []
        for token in tokens:
            if token.type == "tr_open":
                rows.append((_line(token), []))
            elif token.type == "inline":
                rows[-1][1].append(self._plain(token))
        return rows

    def _read_header(self, line: int, cells: list[str]) -> None:
        subjects = cells[1:]
        if len(subjects) < 2:
            self._error(
                line,
                f"The comparison table on line {line} has {len(subjects)} subject "
                f"column{'s' if len(subjects) != 1 else ''}; a comparison needs at least two. "
                "After the first column (the dimensions), add one column per subject.",
            )
        first_seen: set[str] = set()
        for subject in subjects:
            if not subject:
                self._error(
                    line,
                    f"The table header on line {line} has a column with no name: every column "
                    "after the first must name a subject.",
                )
                continue
            if subject.casefold() in first_seen:
                self._error(
                    line,
                    f"The subject '{subject}' is named twice in the table header on line "
                    f"{line}; each column must name a different subject.",
                )
            first_seen.add(subject.casefold())
            self._check_length(f"The subject name '{_clip(subject)}'", subject, NAME_MAX, line)
        self.subjects = subjects

    def _read_row(self, line: int, cells: list[str], columns: int, seen: dict[str, int]) -> None:
        written = self._check_row_shape(line, columns)
        dimension = cells[0]
        if not dimension:
            self._warn(
                line,
                f"Table row on line {line} has no dimension name in its first cell, so the "
                "row was ignored.",
            )
            return
        if dimension.casefold() in seen:
            first = seen[dimension.casefold()]
            self._warn(
                line,
                f"The dimension '{dimension}' is in the table twice (lines {first} and "
                f"{line}); the row on line {line} was ignored.",
            )
            return
        seen[dimension.casefold()] = line
        self._check_length(f"The dimension name '{_clip(dimension)}'", dimension, NAME_MAX, line)
        self.dimensions.append(dimension)
        statements = zip(self.subjects, cells[1:], strict=True)
        for column, (subject, statement) in enumerate(statements, start=1):
            if statement and subject:
                self.contrasts[(dimension, subject)] = statement
            elif not statement and column < written:
                self._warn(
                    line,
                    f"The cell for '{dimension}' and '{subject}' on line {line} is empty; it "
                    "will be blank in the matrix.",
                )

    def _check_row_shape(self, line: int, columns: int) -> int:
        """Warn about a row with the wrong number of cells; return how many were written.

        markdown-it quietly pads or truncates rows to the header's width, so the raw line is
        the only place the mismatch shows.
        """
        raw = self.lines[line - 1]
        written = _count_cells(raw)
        if written == columns:
            return written
        if "|" not in raw:
            self._warn(
                line,
                f"Line {line} was read as a row of the table because there is no blank line "
                "after the table. Add a blank line if it is meant to be a paragraph.",
            )
        elif written < columns:
            self._warn(
                line,
                f"Table row on line {line} has {written} cells but the header has {columns} "
                "columns; the missing cells were left empty.",
            )
        else:
            self._warn(
                line,
                f"Table row on line {line} has {written} cells but the header has {columns} "
                "columns; the extra cells were ignored.",
            )
        return written

    # Finishing

    def _choose_question(self) -> str:
        if self.title.endswith("?"):
            question, line = self.title, self.title_line
        elif self.question:
            question, line = self.question, self.question_line
        else:
            question, line = self.title, self.title_line
            if self.title:
                self._warn(
                    line,
                    f"The title on line {line} is not a question. Students see the question "
                    "first, so end the title with '?' or add a line 'Question: ...' under it.",
                )
        self._check_length("The question", question, QUESTION_MAX, line)
        return question

    def _summary(self) -> str:
        intro = self.sections[0]
        return next((block.text for block in intro.blocks if block.is_paragraph), "")

    def _finish_sections(self) -> list[ParsedSection]:
        kept = [section for section in self.sections if self._keep(section)]
        self._warn_duplicate_headings(kept)
        sections = [
            ParsedSection(
                heading=section.heading,
                passages=[
                    ParsedPassage(block.text, self._tags_for(section, block))
                    for block in section.blocks
                ],
            )
            for section in kept
        ]
        self._warn_untagged_dimensions(sections)
        return sections

    def _warn_untagged_dimensions(self, sections: list[ParsedSection]) -> None:
        """A dimension no paragraph is about has no "Read" links in the matrix: say so."""
        tagged = {
            dimension
            for section in sections
            for passage in section.passages
            for dimension in passage.dimensions
        }
        for dimension in self.dimensions:
            if dimension in tagged:
                continue
            line = self.dimension_lines.get(dimension.casefold())
            self._warn(
                line,
                f"No paragraph is about the dimension '{dimension}' (table row on line {line}), "
                "so its row in the matrix will have no links to the text. Name it in a section "
                f"heading, or end a paragraph with {{dimensions: {dimension}}}.",
            )

    def _keep(self, section: _Section) -> bool:
        if section.blocks:
            return True
        if section.line is None:
            return False
        if section.holds_matrix:
            self._warn(
                section.line,
                f"The section '{section.heading}' on line {section.line} holds only the "
                "comparison table, so the table became the matrix and the heading was left out.",
            )
        else:
            self._warn(
                section.line,
                f"The section '{section.heading}' on line {section.line} has no paragraphs, "
                "so it was left out.",
            )
        return False

    def _warn_duplicate_headings(self, sections: list[_Section]) -> None:
        first_lines: dict[str, int | None] = {}
        for section in sections:
            key = section.heading.casefold()
            if key not in first_lines:
                first_lines[key] = section.line
                continue
            earlier = first_lines[key]
            where = f" on line {earlier}" if earlier else ""
            self._warn(
                section.line,
                f"The heading '{section.heading}' on line {section.line} is also used "
                f"earlier{where}; both sections were kept.",
            )

    def _tags_for(self, section: _Section, block: _Block) -> list[str]:
        """Dimensions from the section heading plus any written on the passage, in table order."""
        tagged = set(_heading_dimensions(section.heading, self.dimensions))
        by_key = {dimension.casefold(): dimension for dimension in self.dimensions}
        for name in block.tags:
            if name.casefold() in by_key:
                tagged.add(by_key[name.casefold()])
            else:
                self._warn(
                    block.line,
                    f"Line {block.line} is tagged with '{name}', which is not a dimension in "
                    "the comparison table; that tag was ignored.",
                )
        return [dimension for dimension in self.dimensions if dimension in tagged]


_BREAKS = ("softbreak", "hardbreak")

# Block tokens the walk turns into rows or reports itself; see `_ArticleReader._report_unread`.
_READ_BLOCKS = frozenset(
    "heading_open heading_close paragraph_open paragraph_close list_item_open list_item_close "
    "html_block thead_open thead_close tbody_open tbody_close tr_open tr_close th_open "
    "th_close td_open td_close".split()
)
# Inline tokens whose words are kept (formatting is dropped, the words stay); raw HTML is
# reported by `_plain`, pictures and links by `_report_inline`.
_READ_INLINE = frozenset(
    "text text_special code_inline softbreak hardbreak em_open em_close strong_open "
    "strong_close link_close html_inline".split()
)


def _line(token: Token) -> int:
    """The 1-based source line a block token starts on."""
    return token.map[0] + 1 if token.map else 0


def _plain_text(children: list[Token]) -> tuple[str, bool]:
    """Inline tokens as plain text, and whether any raw HTML tags were dropped."""
    parts: list[str] = []
    had_html = False
    for child in children:
        if child.type in ("text", "text_special", "code_inline", "image"):
            # An image's content is its alt text.
            parts.append(child.content)
        elif child.type in _BREAKS:
            parts.append(" ")
        elif child.type == "html_inline":
            had_html = True
            if _LINE_BREAK_TAG.match(child.content):
                parts.append(" ")
    return _squash("".join(parts)), had_html


def _squash(text: str) -> str:
    return " ".join(text.split())


def _split_tags(text: str) -> tuple[str, list[str]]:
    """Take a trailing `{dimensions: A, B}` off a passage; return the text and the names."""
    match = _TAG.search(text)
    if not match:
        return text, []
    names = [_squash(name) for name in match.group(1).split(",")]
    return text[: match.start()].rstrip(), [name for name in names if name]


def _count_cells(raw_line: str) -> int:
    """Cells on a raw table row, split the way markdown-it splits them."""
    row = _BLOCKQUOTE_MARKERS.sub("", raw_line).strip()
    cells = _UNESCAPED_PIPE.split(row)
    if cells and cells[0] == "":
        cells.pop(0)
    if cells and cells[-1] == "":
        cells.pop()
    return len(cells)


def _heading_dimensions(heading: str, dimensions: list[str]) -> list[str]:
    """Dimensions a section heading is about.

    A dimension matches on its full name, or on its first word when that word is distinctive:
    not a little word like "The", and not shared with another dimension (two dimensions starting
    "Role of ..." must be matched in full).
    """
    first_words = Counter(_first_word(dimension) for dimension in dimensions)
    matches = []
    for dimension in dimensions:
        word = _first_word(dimension)
        distinctive = word and word not in _SMALL_WORDS and first_words[word] == 1
        if _contains(heading, dimension) or (distinctive and _contains(heading, word)):
            matches.append(dimension)
    return matches


def _first_word(name: str) -> str:
    match = _FIRST_WORD.search(name)
    return match.group(0).casefold() if match else ""


def _contains(text: str, phrase: str) -> bool:
    """Whole-word, case-insensitive containment, so "art" does not match "party"."""
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text, re.IGNORECASE) is not None


def _clip(text: str, length: int = 40) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
