"""`manage.py import_comparison` and the service that saves an imported article."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from comparisons.importer import parse_comparison
from comparisons.models import Comparison, Contrast, Dimension, Passage, Section, Subject
from comparisons.services import comparison_import
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ARTICLE = """\
# How was Khrushchev different from Stalin?

Two Soviet leaders, one system.

| Dimension | Stalin | Khrushchev |
| --- | --- | --- |
| Leadership style | Personal dictatorship. | Collective leadership at first. |
| Foreign policy | Blockaded Berlin. | Peaceful coexistence. |

## Leadership style

Stalin ruled alone.

Khrushchev was voted out.

## Foreign policy

- Berlin blockade.
- Berlin Wall. {dimensions: Leadership style}
"""


@pytest.fixture
def article(tmp_path):
    path = tmp_path / "article.md"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def run(*args) -> str:
    out = StringIO()
    call_command("import_comparison", *map(str, args), stdout=out, stderr=StringIO())
    return out.getvalue()


def test_importing_a_file_creates_every_row_in_order(article, teacher):
    output = run(article, "--author", teacher.email)

    comparison = Comparison.objects.get()
    assert comparison.title == "How was Khrushchev different from Stalin?"
    assert comparison.question == comparison.title
    assert comparison.summary == "Two Soviet leaders, one system."
    assert comparison.author == teacher
    assert not comparison.is_published
    assert list(comparison.subjects.values_list("name", "colour", "order")) == [
        ("Stalin", "red", 0),
        ("Khrushchev", "blue", 1),
    ]
    assert list(comparison.dimensions.values_list("name", "order")) == [
        ("Leadership style", 0),
        ("Foreign policy", 1),
    ]
    cell = Contrast.objects.get(dimension__name="Foreign policy", subject__name="Khrushchev")
    assert cell.statement == "Peaceful coexistence."
    assert Contrast.objects.count() == 4
    assert list(comparison.sections.values_list("heading", "order")) == [
        ("Introduction", 0),
        ("Leadership style", 1),
        ("Foreign policy", 2),
    ]
    passages = Passage.objects.filter(section__comparison=comparison).order_by(
        "section__order", "order"
    )
    assert [
        (p.section.heading, p.order, p.text, [d.name for d in p.dimensions.all()]) for p in passages
    ] == [
        ("Introduction", 0, "Two Soviet leaders, one system.", []),
        ("Leadership style", 0, "Stalin ruled alone.", ["Leadership style"]),
        ("Leadership style", 1, "Khrushchev was voted out.", ["Leadership style"]),
        ("Foreign policy", 0, "Berlin blockade.", ["Foreign policy"]),
        ("Foreign policy", 1, "Berlin Wall.", ["Leadership style", "Foreign policy"]),
    ]
    assert "3 sections, 5 passages, 2 subjects, 2 dimensions, 4 contrasts" in output
    assert "Imported" in output


def test_publish_flag_publishes_the_comparison(article, teacher):
    run(article, "--author", teacher.email, "--publish")

    comparison = Comparison.objects.get()
    assert comparison.is_published
    assert comparison.published_at is not None


def test_author_defaults_to_the_first_superuser(article):
    UserFactory(email="student@example.test")
    admin = UserFactory(email="admin@example.test", is_superuser=True, is_staff=True)
    UserFactory(email="later-admin@example.test", is_superuser=True, is_staff=True)

    run(article)

    assert Comparison.objects.get().author == admin


def test_without_a_superuser_the_command_asks_for_an_author(article):
    with pytest.raises(CommandError, match="pass --author EMAIL"):
        run(article)

    assert not Comparison.objects.exists()


def test_unknown_author_is_an_error(article):
    with pytest.raises(CommandError, match="nobody@example.test"):
        run(article, "--author", "nobody@example.test")


def test_author_email_is_matched_whatever_the_case(article, teacher):
    run(article, "--author", teacher.email.upper())

    assert Comparison.objects.get().author == teacher


def test_warnings_are_printed_with_line_numbers_and_the_import_goes_ahead(tmp_path, teacher):
    path = tmp_path / "ragged.md"
    path.write_text(ARTICLE.replace("| Blockaded Berlin. |", "|"), encoding="utf-8")

    output = run(path, "--author", teacher.email)

    assert "warning: line 8: Table row on line 8 has 2 cells but the header has 3 columns" in (
        output
    )
    assert Comparison.objects.count() == 1


def test_file_with_errors_creates_nothing_and_fails(tmp_path, teacher):
    path = tmp_path / "broken.md"
    path.write_text(ARTICLE.replace("| Stalin | Khrushchev |", "| Stalin | stalin |"), "utf-8")
    out = StringIO()

    with pytest.raises(CommandError, match="1 error"):
        call_command("import_comparison", str(path), "--author", teacher.email, stdout=out)

    assert "error: line 5: The subject 'stalin' is named twice" in out.getvalue()
    assert not Comparison.objects.exists()
    assert not Subject.objects.exists()


def test_importing_twice_makes_two_comparisons(article, teacher):
    run(article, "--author", teacher.email)
    run(article, "--author", teacher.email)

    assert Comparison.objects.count() == 2
    assert Section.objects.count() == 6


def test_file_that_is_not_utf8_is_refused(tmp_path, teacher):
    path = tmp_path / "latin1.md"
    path.write_bytes(ARTICLE.replace("Two", "Zwei Männer,").encode("latin-1"))

    with pytest.raises(CommandError, match="is not UTF-8 text"):
        run(path, "--author", teacher.email)

    assert not Comparison.objects.exists()


def test_file_over_the_size_limit_is_refused(article, teacher, settings):
    settings.IMPORT_MAX_BYTES = 100

    with pytest.raises(CommandError, match="the largest article we can import is"):
        run(article, "--author", teacher.email)

    assert not Comparison.objects.exists()


def test_missing_file_is_a_clear_error(tmp_path, teacher):
    with pytest.raises(CommandError, match="Cannot read"):
        run(tmp_path / "nowhere.md", "--author", teacher.email)


# The service on its own


def test_import_refuses_an_article_with_errors(teacher):
    parsed = parse_comparison("# Only a title?\n")

    with pytest.raises(ValueError, match="No comparison table found"):
        comparison_import(parsed=parsed, author=teacher)

    assert not Comparison.objects.exists()


def test_import_rolls_back_completely_when_a_write_fails(teacher, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Passage.objects, "bulk_create", fail)

    with pytest.raises(RuntimeError):
        comparison_import(parsed=parse_comparison(ARTICLE), author=teacher)

    assert not Comparison.objects.exists()
    assert not Subject.objects.exists()
    assert not Dimension.objects.exists()
    assert not Section.objects.exists()


def test_subject_colours_cycle_after_the_last_one(teacher):
    subjects = [f"Leader {n}" for n in range(8)]
    header = "| Dimension | " + " | ".join(subjects) + " |\n"
    divider = "|---" * (len(subjects) + 1) + "|\n"
    row = "| Terror | " + " | ".join("x" for _ in subjects) + " |\n"
    parsed = parse_comparison(f"# Who was worst?\n\n{header}{divider}{row}\n## Terror\n\nText.\n")

    comparison = comparison_import(parsed=parsed, author=teacher)

    assert list(comparison.subjects.values_list("colour", flat=True)) == [
        "red",
        "blue",
        "green",
        "purple",
        "teal",
        "brown",
        "red",
        "blue",
    ]


def test_import_writes_in_a_fixed_number_of_queries(teacher, django_assert_num_queries):
    parsed = parse_comparison(ARTICLE)

    # Savepoint, comparison, subjects, dimensions, contrasts, sections, passages,
    # passage tags, release savepoint: however long the article is.
    with django_assert_num_queries(9):
        comparison_import(parsed=parsed, author=teacher)


# Other formats


def _demo_rows(comparison):
    return (
        comparison.title,
        list(comparison.subjects.values_list("name", flat=True)),
        list(comparison.dimensions.values_list("name", flat=True)),
        list(
            Passage.objects.filter(section__comparison=comparison)
            .order_by("section__order", "order")
            .values_list("text", flat=True)
        ),
        Contrast.objects.filter(dimension__comparison=comparison).count(),
    )


@pytest.mark.parametrize("name", ["demo.docx", "demo.html", "demo.txt"])
def test_the_demo_imports_the_same_from_every_format(tmp_path, teacher, name):
    from tests.comparisons import documents

    data = {
        "demo.docx": documents.demo_docx,
        "demo.html": documents.saved_page,
        "demo.txt": lambda: documents.demo_text().encode(),
    }[name]()
    markdown = tmp_path / "demo.md"
    markdown.write_text(documents.demo_markdown())
    other = tmp_path / name
    other.write_bytes(data)

    run(markdown, "--author", teacher.email)
    output = run(other, "--author", teacher.email)

    first, second = Comparison.objects.order_by("pk")
    assert _demo_rows(second) == _demo_rows(first)
    assert "line numbers below refer to the converted text" in output


def test_a_word_document_with_the_wrong_extension_is_still_read_as_word(tmp_path, teacher):
    from tests.comparisons.documents import demo_docx

    path = tmp_path / "article.html"
    path.write_bytes(demo_docx())

    run(path, "--author", teacher.email)

    assert Comparison.objects.get().title == "How was Khrushchev different from Stalin?"


def test_a_renamed_program_is_refused_with_a_clear_message(tmp_path, teacher):
    path = tmp_path / "article.docx"
    path.write_bytes(b"MZ\x90\x00" + bytes(1000))

    with pytest.raises(CommandError, match="not a Word document|is a program"):
        run(path, "--author", teacher.email)

    assert not Comparison.objects.exists()


def test_show_text_prints_the_converted_article(tmp_path, teacher):
    path = tmp_path / "article.txt"
    path.write_text(
        "How did they differ?\n\nLeader\tA\tB\nStyle\tKind.\tHarsh.\n\nStyle\n\nA was kind.\n"
    )

    output = run(path, "--author", teacher.email, "--show-text")

    assert "# How did they differ?\n\n| Leader | A | B |" in output
    assert "## Style\n\nA was kind." in output
