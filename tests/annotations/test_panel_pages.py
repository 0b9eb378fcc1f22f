"""The panel in pages: a reading page whose size does not grow with the class, further
pages by keyset, single notes on demand, and the anchor list, all under the one visibility
rule (annotations.panel)."""

import re
from html import escape
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from annotations import panel
from annotations.models import Annotation
from comparisons.models import Passage
from comparisons.reading import reading_for
from tests.annotations.helpers import annotate, class_with_annotations

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
IDS = re.compile(r'<article class="annotation-card[^>]*?data-annotation="(\d+)"')
NEXT = re.compile(r'data-page="([^"]+)"')


def read_url(assignment):
    return reverse("comparisons:read", args=[assignment.pk])


def page_url(assignment):
    return reverse("annotations:page", args=[assignment.pk])


def anchors_url(assignment):
    return reverse("annotations:anchors", args=[assignment.pk])


def card_ids(html):
    return [int(pk) for pk in IDS.findall(html)]


def next_page(html):
    """The page endpoint's URL in the "Load more" form, if there is one."""
    form = re.search(r'<li class="load-more" data-order="~"><form[^>]*>', html)
    return NEXT.search(form.group(0)).group(1).replace("&amp;", "&") if form else None


def every_page(client, assignment, first_html):
    """The card ids of the first page and of every page after it, following "Load more"."""
    ids, html = card_ids(first_html), first_html
    while url := next_page(html):
        response = client.get(url, headers=HTMX)
        assert response.status_code == 200
        html = response.content.decode()
        ids += card_ids(html)
    return ids


@pytest.fixture
def mixed(assignment, student, classmate, teacher):
    """Notes in every corner of the panel's order: across paragraphs and offsets, a prompt,
    a pinned note, an orphan and a deleted stub, more than two pages of them."""
    passages = list(
        Passage.objects.filter(section__comparison=assignment.comparison).order_by(
            "section__order", "order"
        )
    )
    notes = []
    for i in range(2 * panel.PAGE_SIZE + 7):
        passage = passages[i % len(passages)]
        words = passage.text.split()
        notes.append(
            annotate(
                assignment,
                (student, classmate)[i % 2],
                passage=passage,
                quote=words[i % len(words)],
                body=f"Mixed {i}",
            )
        )
    prompt = annotate(assignment, teacher, passage=passages[-1], body="A prompt", is_prompt=True)
    notes[30].pin()
    Annotation.objects.filter(pk=notes[40].pk).update(is_orphaned=True, start=None, end=None)
    Annotation.objects.filter(pk=notes[50].pk).update(is_deleted=True, body="")
    return [prompt, *notes]


# --- a page that does not grow with the class ---------------------------------------------


@pytest.mark.parametrize("count", [1000, 5000])
def test_the_reading_page_stays_under_200_kb_however_many_notes(
    client, assignment, classroom, student, count
):
    class_with_annotations(assignment, classroom, student, count)
    client.force_login(student)

    response = client.get(read_url(assignment))

    html = response.content.decode()
    assert response.status_code == 200
    assert len(response.content) < 200_000
    assert len(card_ids(html)) == panel.PAGE_SIZE
    assert html.count('class="annotation-card is-collapsed') == panel.PAGE_SIZE - 12
    assert next_page(html) is not None
    assert f"{count} annotations" in html  # the counts are of every note, not the page's


def test_the_pages_bring_every_note_once_in_the_panels_order(client, assignment, student, mixed):
    client.force_login(student)

    ids = every_page(client, assignment, client.get(read_url(assignment)).content.decode())

    entries = list(Annotation.objects.filter(assignment=assignment).for_panel_entries())
    panel.in_panel_order(entries, reading_for(assignment.comparison).numbers)
    assert ids == [entry["pk"] for entry in entries]
    assert ids[:2] == [mixed[0].pk, mixed[31].pk]  # the prompt, then the pinned note


def test_pages_keep_the_filters(client, assignment, student, classmate, mixed):
    client.force_login(student)
    first = client.get(read_url(assignment), {"author": classmate.pk}).content.decode()

    ids = every_page(client, assignment, first)

    assert "author=" in next_page(first)
    theirs = [note.pk for note in mixed if note.author_id == classmate.pk]
    assert sorted(ids) == sorted(theirs)


def test_without_javascript_load_more_opens_the_reading_page_at_the_next_page(
    client, assignment, student, mixed
):
    client.force_login(student)
    first = client.get(read_url(assignment)).content.decode()
    after = re.search(r'name="after" value="([^"]+)"', first).group(1)

    response = client.get(read_url(assignment), {"after": after})

    html = response.content.decode()
    assert (
        card_ids(html)[0]
        == card_ids(client.get(next_page(first), headers=HTMX).content.decode())[0]
    )
    assert "Back to the first notes" in html
    assert 'class="annotation-card is-collapsed' in html


def test_the_page_endpoint_without_htmx_goes_to_the_reading_page(client, assignment, student):
    client.force_login(student)

    response = client.get(page_url(assignment), {"after": "11-00001-0000000-0000000001"})

    assert response.status_code == 302
    assert response["Location"] == f"{read_url(assignment)}?after=11-00001-0000000-0000000001"


@pytest.mark.parametrize("after", ["nonsense", "11-x-1-1", "-1-1-1-1", "1" * 300, ""])
def test_a_garbled_cursor_starts_at_the_first_page(client, assignment, student, mixed, after):
    client.force_login(student)

    response = client.get(page_url(assignment), {"after": after}, headers=HTMX)

    assert response.status_code == 200
    assert card_ids(response.content.decode())[0] == mixed[0].pk


def test_a_note_asked_for_by_id_comes_in_full(client, assignment, student, mixed):
    client.force_login(student)
    far = mixed[-1]

    response = client.get(page_url(assignment), {"ids": str(far.pk)}, headers=HTMX)

    html = response.content.decode()
    assert card_ids(html) == [far.pk]
    assert "is-collapsed" not in html and far.body in html
    assert re.search(r'<li data-order="\d\d-\d{5}-\d{7}-\d{10}">', html)


@pytest.mark.parametrize("count", [10, 1000])
def test_a_further_page_takes_a_fixed_number_of_queries(
    client, assignment, classroom, student, django_assert_num_queries, count
):
    class_with_annotations(assignment, classroom, student, count)
    client.force_login(student)
    client.get(read_url(assignment))  # the text is kept from here on (comparisons.reading)

    # session, user, assignment, my role, the class's teachers, the page's ids, their rows
    with django_assert_num_queries(7):
        response = client.get(
            page_url(assignment), {"after": "11-00000-0000000-0000000000"}, headers=HTMX
        )

    assert len(card_ids(response.content.decode())) == min(count, panel.PAGE_SIZE)


@pytest.mark.parametrize("count", [10, 1000])
def test_the_anchor_list_takes_a_fixed_number_of_queries(
    client, assignment, classroom, student, django_assert_num_queries, count
):
    class_with_annotations(assignment, classroom, student, count)
    client.force_login(student)
    client.get(read_url(assignment))

    # session, user, assignment, my role, the anchors (one row per note)
    with django_assert_num_queries(5):
        response = client.get(anchors_url(assignment))

    assert len(response.json()["anchors"]) == count


def test_the_whole_list_poll_sends_the_first_page_and_a_new_anchor_list_address(
    client, assignment, classroom, student
):
    class_with_annotations(assignment, classroom, student, 200)
    client.force_login(student)

    response = client.get(reverse("annotations:poll", args=[assignment.pk]), headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert len(card_ids(html)) == panel.PAGE_SIZE
    marker = re.search(r'<div id="annotation-anchors"[^>]*>', html).group(0)
    assert 'hx-swap-oob="true"' in marker
    assert f'data-version="{escape(response["ETag"], quote=True)}"' in marker
    assert anchors_url(assignment) in marker


# --- the anchor list ----------------------------------------------------------------------


def test_the_anchor_list_has_offsets_colours_and_authors_not_cards(
    client, assignment, student, classmate
):
    stalin = assignment.comparison.subjects.order_by("order").first()
    note = annotate(assignment, classmate, quote="Paragraph", subjects=[stalin], body="Secret body")
    client.force_login(student)

    response = client.get(anchors_url(assignment))

    assert response.status_code == 200
    data = response.json()
    assert data["anchors"] == [
        [note.pk, note.passage_id, note.start, note.end, stalin.colour, classmate.pk]
    ]
    assert data["authors"] == {str(classmate.pk): classmate.display_name}
    assert "Secret body" not in response.content.decode()


def test_the_anchor_list_keeps_the_filters(client, assignment, student, classmate):
    question = annotate(assignment, classmate, kind="question")
    annotate(assignment, classmate, kind="evidence")
    client.force_login(student)

    response = client.get(anchors_url(assignment), {"kind": "question"})

    assert [row[0] for row in response.json()["anchors"]] == [question.pk]


def test_orphans_and_deleted_notes_have_no_anchor(client, assignment, student, mixed):
    client.force_login(student)

    ids = {row[0] for row in client.get(anchors_url(assignment)).json()["anchors"]}

    assert mixed[41].pk not in ids and mixed[51].pk not in ids
    assert len(ids) == len(mixed) - 2


# --- privacy: what a classmate may not see is in no page and no anchor ---------------------


@pytest.fixture
def secrets(assignment, student, teacher):
    private = annotate(assignment, student, body="Only for me", visibility="private")
    for_teacher = annotate(assignment, student, body="For my teacher", visibility="teacher")
    hidden = annotate(assignment, student, body="Hidden by the teacher")
    hidden.hide(teacher, "Off topic")
    shared = annotate(assignment, student, body="For everyone")
    return {"private": private, "teacher": for_teacher, "hidden": hidden, "shared": shared}


def test_a_classmate_never_gets_a_hidden_or_private_note_in_anchors_or_pages(
    client, assignment, classmate, secrets
):
    client.force_login(classmate)
    unseen = [secrets[name].pk for name in ("private", "teacher", "hidden")]

    anchors = client.get(anchors_url(assignment)).json()
    first = client.get(read_url(assignment)).content.decode()
    pages = client.get(page_url(assignment), {"after": "00-00000-0000000-0000000000"}, headers=HTMX)
    asked = client.get(page_url(assignment), {"ids": ",".join(map(str, unseen))}, headers=HTMX)

    assert [row[0] for row in anchors["anchors"]] == [secrets["shared"].pk]
    assert card_ids(first) == [secrets["shared"].pk]
    assert card_ids(pages.content.decode()) == [secrets["shared"].pk]
    assert asked.status_code == 200
    assert card_ids(asked.content.decode()) == []
    for words in ("Only for me", "For my teacher", "Hidden by the teacher"):
        assert words not in asked.content.decode()


def test_the_author_and_the_teacher_see_what_the_rule_lets_them(
    client, assignment, student, teacher, secrets
):
    client.force_login(student)
    mine = {row[0] for row in client.get(anchors_url(assignment)).json()["anchors"]}
    client.force_login(teacher)
    teachers = {row[0] for row in client.get(anchors_url(assignment)).json()["anchors"]}

    assert mine == {note.pk for note in secrets.values()}
    assert teachers == {secrets[name].pk for name in ("teacher", "hidden", "shared")}


def test_anchors_and_pages_are_404_outside_the_class(client, assignment, outsider_student, secrets):
    client.force_login(outsider_student)

    assert client.get(anchors_url(assignment)).status_code == 404
    assert client.get(page_url(assignment), headers=HTMX).status_code == 404


def test_a_student_thinking_first_gets_only_their_own_and_the_teachers_anchors(
    client, assignment, student, classmate, teacher
):
    assignment.reveal_after_posts = 1
    assignment.save()
    annotate(assignment, classmate, body="A classmate's")
    by_teacher = annotate(assignment, teacher, body="The teacher's")
    client.force_login(student)

    ids = [row[0] for row in client.get(anchors_url(assignment)).json()["anchors"]]

    assert ids == [by_teacher.pk]


# --- the collapsed card and _card.html stay in step ---------------------------------------


class _Attributes(HTMLParser):
    def __init__(self):
        super().__init__()
        self.article = None

    def handle_starttag(self, tag, attrs):
        if tag == "article" and self.article is None:
            self.article = dict(attrs)


def article_attributes(html):
    parser = _Attributes()
    parser.feed(html)
    return parser.article


@pytest.mark.parametrize("state", ["placed", "orphaned", "two subjects"])
def test_a_collapsed_card_carries_the_same_highlight_data_as_the_full_card(
    client, assignment, student, classmate, state
):
    subjects = list(assignment.comparison.subjects.order_by("order"))
    note = annotate(
        assignment,
        classmate,
        quote="Paragraph",
        subjects=subjects if state == "two subjects" else subjects[:1],
    )
    if state == "orphaned":
        Annotation.objects.filter(pk=note.pk).update(is_orphaned=True)
    client.force_login(student)
    full_html = client.get(reverse("annotations:card", args=[note.pk]), headers=HTMX)
    text = reading_for(assignment.comparison)
    entry = Annotation.objects.filter(pk=note.pk).for_panel_entries().get()
    collapsed = panel.collapsed(entry, text.numbers, text.colours, "/annotations/{}/card/")

    full = article_attributes(full_html.content.decode())
    short = article_attributes(str(collapsed.html))

    shared = ("id", "data-annotation", "data-passage", "data-exact", "data-colour", "tabindex")
    for name in (*shared, "data-start", "data-end", "data-orphaned"):
        assert full.get(name) == short.get(name), name
    subject_class = [c for c in full["class"].split() if c.startswith("subject-")]
    assert subject_class == [c for c in short["class"].split() if c.startswith("subject-")]
