"""Importing a comparison from a pasted or uploaded Markdown article."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from comparisons.models import Comparison, Passage
from tests.factories import AssignmentFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("comparisons:import")

ARTICLE = """\
# How was Stalin different from Lenin?

Both men led the Soviet Union, but in very different ways.

| Dimension | Lenin | Stalin |
| --- | --- | --- |
| Leadership style | Led a party of quarrelling comrades. | Ruled alone through terror. |
| Economic focus | The New Economic Policy allowed trade. | Five-Year Plans for industry. |

## Leadership style

Lenin argued with his <b>comrades</b> and sometimes lost.

Stalin had his rivals shot.

## Economic focus

Lenin allowed peasants to sell their surplus.
"""

NO_TABLE = """\
# How was Stalin different from Lenin?

Both men led the Soviet Union.

## Leadership style

Lenin argued with his comrades.
"""

WITH_SCRIPT = """\
# How was Stalin different from Lenin?

Both men led the Soviet Union.

<script>alert(1)</script>

| Dimension | Lenin | Stalin |
| --- | --- | --- |
| Leadership style | Led <script>alert(2)</script> comrades. | Ruled alone. |

## Leadership style

Lenin argued <script>alert(3)</script> with his comrades.
"""


def upload(content: bytes, name="article.md"):
    return SimpleUploadedFile(name, content, content_type="text/markdown")


# Checking before creating


def test_preview_reports_what_will_be_created_and_creates_nothing(client, teacher):
    client.force_login(teacher)

    response = client.post(IMPORT_URL, {"markdown": ARTICLE, "preview": ""})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Ready to import" in page
    assert "2 subjects, 2 dimensions, 4 matrix cells, 3 sections, 4 paragraphs." in page
    assert 'name="create"' in page
    assert not Comparison.objects.exists()


def test_preview_lists_warnings_with_their_line_numbers(client, teacher):
    client.force_login(teacher)

    page = client.post(IMPORT_URL, {"markdown": ARTICLE, "preview": ""}).content.decode()

    assert "Check, line 12:" in page
    assert "Line 12 contains HTML tags, which were removed" in page


def test_create_saves_the_comparison_and_opens_its_editor(client, teacher):
    client.force_login(teacher)

    response = client.post(IMPORT_URL, {"markdown": ARTICLE, "create": ""})

    comparison = Comparison.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("comparisons:edit", args=[comparison.pk])
    assert comparison.author == teacher
    assert comparison.title == "How was Stalin different from Lenin?"
    assert not comparison.is_published
    assert list(comparison.subjects.values_list("name", flat=True)) == ["Lenin", "Stalin"]
    assert Passage.objects.filter(section__comparison=comparison).count() == 4


def test_article_with_errors_cannot_be_created_and_keeps_the_pasted_text(client, teacher):
    client.force_login(teacher)

    response = client.post(IMPORT_URL, {"markdown": NO_TABLE, "preview": ""})

    page = response.content.decode()
    assert "Cannot import yet" in page
    assert "Must fix:" in page
    assert "No comparison table found" in page
    assert 'name="create"' not in page
    assert "Lenin argued with his comrades." in page.split("<textarea", 1)[1]


def test_create_with_errors_creates_nothing(client, teacher):
    client.force_login(teacher)

    response = client.post(IMPORT_URL, {"markdown": NO_TABLE, "create": ""})

    assert response.status_code == 200
    assert "Cannot import yet" in response.content.decode()
    assert not Comparison.objects.exists()


def test_empty_submission_says_what_to_do(client, teacher):
    client.force_login(teacher)

    response = client.post(IMPORT_URL, {"markdown": "   ", "preview": ""})

    assert response.status_code == 200
    assert "Paste an article or choose a file to upload." in response.content.decode()


def test_anonymous_visitor_is_sent_to_log_in(client):
    response = client.post(IMPORT_URL, {"markdown": ARTICLE, "create": ""})

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not Comparison.objects.exists()


# Uploading a file


def test_uploaded_file_is_checked_and_shown_in_the_text_box(client, teacher):
    client.force_login(teacher)

    response = client.post(IMPORT_URL, {"file": upload(ARTICLE.encode()), "preview": ""})

    page = response.content.decode()
    assert "Ready to import" in page
    assert "Stalin had his rivals shot." in page.split("<textarea", 1)[1]
    assert not Comparison.objects.exists()


def test_uploaded_file_with_a_byte_order_mark_is_created(client, teacher):
    client.force_login(teacher)

    response = client.post(
        IMPORT_URL, {"file": upload(b"\xef\xbb\xbf" + ARTICLE.encode()), "create": ""}
    )

    assert response.status_code == 302
    assert Comparison.objects.get().title == "How was Stalin different from Lenin?"


def test_file_over_the_size_limit_is_refused_with_both_sizes(client, teacher, settings):
    settings.IMPORT_MAX_BYTES = 1000
    client.force_login(teacher)

    response = client.post(IMPORT_URL, {"file": upload(b"a" * 2000), "preview": ""})

    page = response.content.decode()
    assert response.status_code == 200
    assert "The file is 0.002 MB; the largest article we can import is 0.001 MB." in page
    assert "Ready to import" not in page


def test_five_megabyte_file_is_refused_under_the_default_limit(client, teacher):
    client.force_login(teacher)
    filler = b"\nFiller paragraph.\n" * (5_000_000 // 19)
    big = (ARTICLE.encode() + filler)[:5_000_000]

    response = client.post(IMPORT_URL, {"file": upload(big), "create": ""})

    page = response.content.decode()
    assert response.status_code == 200
    assert "The file is 5.0 MB; the largest article we can import is 1.0 MB." in page
    assert not Comparison.objects.exists()


def test_pasted_text_over_the_size_limit_cannot_be_imported(client, teacher, settings):
    settings.IMPORT_MAX_BYTES = 1000
    client.force_login(teacher)

    response = client.post(IMPORT_URL, {"markdown": ARTICLE * 3, "create": ""})

    page = response.content.decode()
    assert "Cannot import yet" in page
    assert "the largest article we can import is 0.001 MB" in page
    assert not Comparison.objects.exists()


def test_file_that_is_not_utf8_gets_a_clear_message(client, teacher):
    client.force_login(teacher)

    response = client.post(
        IMPORT_URL,
        {"file": upload(ARTICLE.replace("Lenin", "Lénin").encode("latin-1")), "preview": ""},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "That file is not UTF-8 text. Save it as plain UTF-8 Markdown and try again." in page
    assert "Ready to import" not in page


# HTML in the article


def test_html_in_the_article_is_never_rendered_as_markup_in_the_report(client, teacher):
    client.force_login(teacher)

    page = client.post(IMPORT_URL, {"markdown": WITH_SCRIPT, "preview": ""}).content.decode()

    assert "Ready to import" in page
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # in the text box, as text
    assert "The HTML block &lt;script&gt; on line 5 was left out" in page


def test_html_in_the_article_is_never_rendered_as_markup_when_read(
    client, classroom, teacher, student
):
    client.force_login(teacher)
    client.post(IMPORT_URL, {"markdown": WITH_SCRIPT, "create": ""})
    comparison = Comparison.objects.get()
    comparison.publish()
    assignment = AssignmentFactory(classroom=classroom, comparison=comparison)

    client.force_login(student)
    page = client.get(reverse("comparisons:read", args=[assignment.pk])).content.decode()

    assert "Lenin argued alert(3) with his comrades." in page
    assert "Led alert(2) comrades." in page
    assert "<script>alert" not in page


TABLE_IN_ITS_OWN_SECTION = """\
# How was Stalin different from Lenin?

Both men led the Soviet Union, but in very different ways.

## Leadership style

Lenin argued with his comrades and sometimes lost.

## At a glance

| Dimension | Lenin | Stalin |
| --- | --- | --- |
| Leadership style | Led a party of quarrelling comrades. | Ruled alone through terror. |
| Economic focus | The New Economic Policy allowed trade. | Five-Year Plans for industry. |
"""


def test_report_names_the_table_only_section_and_the_dimension_without_paragraphs(client, teacher):
    client.force_login(teacher)

    page = client.post(
        IMPORT_URL, {"markdown": TABLE_IN_ITS_OWN_SECTION, "preview": ""}
    ).content.decode()

    assert "Ready to import" in page
    assert "Check, line 9:" in page
    assert "The section &#x27;At a glance&#x27; on line 9 holds only the comparison table" in page
    assert "Check, line 14:" in page
    assert "No paragraph is about the dimension &#x27;Economic focus&#x27;" in page
    assert "nothing was left out" not in page


def test_report_of_an_article_with_nothing_left_out_says_so(client, teacher):
    client.force_login(teacher)
    article = ARTICLE.replace("<b>comrades</b>", "comrades")

    page = client.post(IMPORT_URL, {"markdown": article, "preview": ""}).content.decode()

    assert "Every part of the article has a place: nothing was left out." in page


def test_message_after_creating_does_not_stop_the_question_twice(client, teacher):
    client.force_login(teacher)

    response = client.post(IMPORT_URL, {"markdown": ARTICLE, "create": ""}, follow=True)

    page = response.content.decode()
    assert "Imported How was Stalin different from Lenin? Check it, then publish it." in page
    assert "?." not in page


# Other formats


def test_uploaded_word_document_is_converted_into_the_text_box_and_reported(client, teacher):
    from tests.comparisons.documents import demo_docx

    client.force_login(teacher)

    response = client.post(
        IMPORT_URL, {"file": upload(demo_docx(), "khrushchev.docx"), "preview": ""}
    )

    page = response.content.decode()
    assert "Ready to import" in page
    assert "Read as a Word document" in page
    assert "## Leadership style" in page.split("<textarea", 1)[1]
    assert not Comparison.objects.exists()


def test_uploaded_web_page_is_created_without_its_navigation(client, teacher):
    from tests.comparisons.documents import saved_page

    client.force_login(teacher)

    response = client.post(
        IMPORT_URL, {"file": upload(saved_page(), "khrushchev.html"), "create": ""}
    )

    assert response.status_code == 302
    texts = list(Passage.objects.values_list("text", flat=True))
    assert texts and not any("cookies" in text or "Great article" in text for text in texts)


def test_pasted_rich_text_is_converted_and_shown_for_checking(client, teacher):
    client.force_login(teacher)
    html = (
        "<meta charset='utf-8'><h1>How was Stalin different from Lenin?</h1>"
        "<p>Both led the <b>Soviet Union</b>.</p><script>alert(1)</script>"
        "<table><tr><th>Dimension</th><th>Lenin</th><th>Stalin</th></tr>"
        "<tr><td>Economy</td><td>NEP.</td><td>Plans.</td></tr></table>"
        "<h2>Economy</h2><ul><li>Lenin allowed trade.</li><li>Stalin planned.</li></ul>"
    )

    response = client.post(
        IMPORT_URL, {"markdown": "ignored plain text", "pasted_html": html, "preview": ""}
    )

    page = response.content.decode()
    box = page.split("<textarea", 1)[1].split("</textarea>", 1)[0]
    assert "# How was Stalin different from Lenin?" in box
    assert "- Lenin allowed trade.\n- Stalin planned." in box
    assert "alert" not in page
    assert "1 script left out" in page
    assert "Ready to import" in page


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bomb.docx", b"MZ\x90\x00" + bytes(500), "This file is a program"),
        ("x.docx", b"PK\x03\x04broken", "not a Word document"),
        (
            "table.html",
            b"<h1>T?</h1><table>" + b"<tr><td>a</td><td>b</td></tr>" * 10_000 + b"</table>",
            "more than 200 rows",
        ),
    ],
)
def test_hostile_uploads_are_a_clear_problem_in_the_report(client, teacher, name, content, message):
    client.force_login(teacher)

    response = client.post(IMPORT_URL, {"file": upload(content, name), "create": ""})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Cannot import yet" in page
    assert message in page
    assert not Comparison.objects.exists()
