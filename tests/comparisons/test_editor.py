"""The author's editor: details, subjects, dimensions, matrix cells, sections and passages."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from comparisons.models import Comparison, Contrast, Dimension, Passage, Section, Subject
from tests.factories import (
    AssignmentFactory,
    ComparisonFactory,
    DimensionFactory,
    SubjectFactory,
    comparison_with_content,
)

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def draft(teacher):
    """An empty draft by the teacher, ready to be filled in."""
    return ComparisonFactory(author=teacher, is_published=False)


def add_url(comparison, kind):
    return reverse("comparisons:item_add", args=[comparison.pk, kind])


def update_url(comparison, kind, item):
    return reverse("comparisons:item_update", args=[comparison.pk, kind, item.pk])


def delete_url(comparison, kind, item):
    return reverse("comparisons:item_delete", args=[comparison.pk, kind, item.pk])


def move_url(comparison, kind, item):
    return reverse("comparisons:item_move", args=[comparison.pk, kind, item.pk])


def cell_url(comparison, dimension, subject):
    return reverse("comparisons:cell_save", args=[comparison.pk, dimension.pk, subject.pk])


def announced(response):
    """The message the response asks the page to announce, from its HX-Trigger header."""
    return json.loads(response.headers["HX-Trigger"])["announce"]["message"]


# The editor page


def test_author_opens_the_editor(client, teacher, comparison):
    client.force_login(teacher)

    response = client.get(reverse("comparisons:edit", args=[comparison.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="matrix"' in page
    assert 'id="text"' in page
    assert "Paragraph 2.2" in page


def test_passage_form_shows_its_dimensions_ticked(client, teacher, comparison):
    client.force_login(teacher)
    passage = Passage.objects.get(text="Paragraph 1.1")
    leadership = comparison.dimensions.get(name="Leadership style")
    foreign = comparison.dimensions.get(name="Foreign policy")

    page = client.get(reverse("comparisons:edit", args=[comparison.pk])).content.decode()

    prefix = f"passage-{passage.pk}-dimensions"
    assert f'name="{prefix}" value="{leadership.pk}" id="id_{prefix}_0" checked' in page
    assert f'name="{prefix}" value="{foreign.pk}" id="id_{prefix}_1">' in page


def test_author_saves_the_details_over_htmx(client, teacher, draft):
    client.force_login(teacher)

    response = client.post(
        reverse("comparisons:edit", args=[draft.pk]),
        {"title": "Lenin and Stalin", "question": "How did they differ?", "summary": ""},
        headers=HTMX,
    )

    draft.refresh_from_db()
    assert draft.title == "Lenin and Stalin"
    assert "<html" not in response.content.decode()
    assert announced(response) == "Details saved."


def test_details_without_a_title_keep_what_was_typed(client, teacher, draft):
    client.force_login(teacher)

    response = client.post(
        reverse("comparisons:edit", args=[draft.pk]),
        {"title": "", "question": "A question I typed?", "summary": ""},
        headers=HTMX,
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "This field is required" in page
    assert "A question I typed?" in page
    draft.refresh_from_db()
    assert draft.question != "A question I typed?"


@pytest.mark.parametrize(("sections", "passages"), [(1, 1), (8, 10)])
def test_editor_page_takes_a_fixed_number_of_queries(
    client, django_assert_num_queries, teacher, sections, passages
):
    comparison = comparison_with_content(teacher, sections=sections, passages_per_section=passages)
    client.force_login(teacher)

    # session, user, comparison (permission check), the user's memberships (may they author;
    # kept for the navigation), whether a class they do not teach reads it, comparison with
    # author again for the page, subjects, dimensions, their contrasts, sections, their
    # passages, the passages' dimensions + the navigation's moderation link (one query)
    # + the navigation's unread count (notifications.context_processors)
    with django_assert_num_queries(14):
        response = client.get(reverse("comparisons:edit", args=[comparison.pk]))

    assert response.content.decode().count("Save paragraph") == sections * passages


# Adding over htmx


def test_author_adds_a_subject_over_htmx(client, teacher, draft):
    client.force_login(teacher)

    response = client.post(
        add_url(draft, "subject"),
        {"subject-new-name": "Lenin", "subject-new-colour": "green"},
        headers=HTMX,
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page
    assert page.lstrip().startswith('<section id="matrix"')
    assert 'value="Lenin"' in page
    assert announced(response) == "Subject added."
    subject = draft.subjects.get()
    assert (subject.name, subject.colour, subject.order) == ("Lenin", "green", 0)


def test_author_adds_a_dimension_over_htmx(client, teacher, comparison):
    client.force_login(teacher)

    response = client.post(
        add_url(comparison, "dimension"), {"dimension-new-name": "Economy"}, headers=HTMX
    )

    page = response.content.decode()
    assert "<html" not in page
    assert 'value="Economy"' in page
    assert announced(response) == "Dimension added."
    assert comparison.dimensions.get(name="Economy").order == 2


def test_author_adds_a_section_over_htmx(client, teacher, comparison):
    client.force_login(teacher)

    response = client.post(
        add_url(comparison, "section"), {"section-new-heading": "Legacy"}, headers=HTMX
    )

    page = response.content.decode()
    assert "<html" not in page
    assert page.lstrip().startswith('<section id="text"')
    assert 'value="Legacy"' in page
    assert announced(response) == "Section added."
    assert comparison.sections.get(heading="Legacy").order == 2


def test_author_adds_a_passage_tagged_with_dimensions_over_htmx(client, teacher, comparison):
    client.force_login(teacher)
    section = comparison.sections.get(heading="Part 1")
    dimensions = list(comparison.dimensions.all())
    prefix = f"passage-new-in-{section.pk}"

    response = client.post(
        add_url(comparison, "passage"),
        {
            "section": section.pk,
            f"{prefix}-text": "Khrushchev denounced Stalin in 1956.",
            f"{prefix}-dimensions": [d.pk for d in dimensions],
        },
        headers=HTMX,
    )

    page = response.content.decode()
    assert "<html" not in page
    assert "Khrushchev denounced Stalin in 1956." in page
    assert announced(response) == "Passage added."
    passage = section.passages.get(text="Khrushchev denounced Stalin in 1956.")
    assert passage.order == 2
    assert set(passage.dimensions.all()) == set(dimensions)


@pytest.mark.parametrize(
    ("kind", "region", "model"),
    [
        ("subject", "matrix", Subject),
        ("dimension", "matrix", Dimension),
        ("section", "text", Section),
        ("passage", "text", Passage),
    ],
)
def test_adding_without_htmx_redirects_to_the_region_with_a_message(
    client, teacher, comparison, kind, region, model
):
    section = comparison.sections.first()
    data = {
        "subject": {"subject-new-name": "Lenin", "subject-new-colour": "green"},
        "dimension": {"dimension-new-name": "Economy"},
        "section": {"section-new-heading": "Legacy"},
        "passage": {"section": section.pk, f"passage-new-in-{section.pk}-text": "Added."},
    }[kind]
    before = model.objects.count()
    client.force_login(teacher)

    response = client.post(add_url(comparison, kind), data)

    assert response.status_code == 302
    assert response.url == reverse("comparisons:edit", args=[comparison.pk]) + f"#{region}"
    assert model.objects.count() == before + 1
    page = client.get(response.url).content.decode()
    assert f"{kind.capitalize()} added." in page


def test_a_passage_cannot_be_added_to_a_section_of_another_comparison(client, teacher, comparison):
    other = comparison_with_content(teacher)
    theirs = other.sections.first()
    client.force_login(teacher)

    response = client.post(
        add_url(comparison, "passage"),
        {"section": theirs.pk, f"passage-new-in-{theirs.pk}-text": "Smuggled."},
    )

    assert response.status_code == 404
    assert not Passage.objects.filter(text="Smuggled.").exists()


@pytest.mark.parametrize("section", ["", "abc", "1.5"])
def test_a_passage_with_a_malformed_section_is_404(client, teacher, comparison, section):
    client.force_login(teacher)

    response = client.post(add_url(comparison, "passage"), {"section": section})

    assert response.status_code == 404


def test_a_passage_cannot_be_tagged_with_another_comparisons_dimension(client, teacher, comparison):
    theirs = comparison_with_content(teacher).dimensions.first()
    section = comparison.sections.first()
    prefix = f"passage-new-in-{section.pk}"
    client.force_login(teacher)

    response = client.post(
        add_url(comparison, "passage"),
        {"section": section.pk, f"{prefix}-text": "Tagged.", f"{prefix}-dimensions": [theirs.pk]},
        headers=HTMX,
    )

    assert "Select a valid choice" in response.content.decode()
    assert not Passage.objects.filter(text="Tagged.").exists()


def test_names_with_markup_are_escaped_in_the_editor(client, teacher, draft):
    client.force_login(teacher)

    response = client.post(
        add_url(draft, "subject"),
        {"subject-new-name": "<script>alert(1)</script>", "subject-new-colour": "red"},
        headers=HTMX,
    )

    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# Invalid input


def test_subject_without_a_name_is_refused_in_place(client, teacher, draft):
    client.force_login(teacher)

    response = client.post(
        add_url(draft, "subject"),
        {"subject-new-name": "", "subject-new-colour": "teal"},
        headers=HTMX,
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert "This field is required" in page
    assert '<option value="teal" selected>' in page
    assert "HX-Trigger" not in response.headers
    assert not draft.subjects.exists()


def test_subject_with_a_name_already_used_is_refused_whatever_its_case(client, teacher, comparison):
    client.force_login(teacher)

    response = client.post(
        add_url(comparison, "subject"),
        {"subject-new-name": "STALIN", "subject-new-colour": "green"},
        headers=HTMX,
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "There is already a subject called STALIN." in page
    assert 'value="STALIN"' in page
    assert comparison.subjects.count() == 2


def test_invalid_subject_without_htmx_shows_the_whole_editor_with_the_error(
    client, teacher, comparison
):
    client.force_login(teacher)

    response = client.post(
        add_url(comparison, "subject"),
        {"subject-new-name": "stalin", "subject-new-colour": "green"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" in page
    assert "There is already a subject called stalin." in page
    assert comparison.subjects.count() == 2


def test_passage_without_text_is_refused_keeping_the_chosen_dimensions(client, teacher, comparison):
    client.force_login(teacher)
    section = comparison.sections.get(heading="Part 2")
    dimension = comparison.dimensions.get(name="Foreign policy")
    prefix = f"passage-new-in-{section.pk}"

    response = client.post(
        add_url(comparison, "passage"),
        {"section": section.pk, f"{prefix}-text": "", f"{prefix}-dimensions": [dimension.pk]},
        headers=HTMX,
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "This field is required" in page
    checkbox = f'name="{prefix}-dimensions" value="{dimension.pk}" id="id_{prefix}-dimensions_1"'
    assert f"{checkbox} checked" in page
    assert section.passages.count() == 2


def test_renaming_a_subject_to_another_subjects_name_is_refused(client, teacher, comparison):
    client.force_login(teacher)
    khrushchev = comparison.subjects.get(name="Khrushchev")

    response = client.post(
        update_url(comparison, "subject", khrushchev),
        {f"subject-{khrushchev.pk}-name": "stalin", f"subject-{khrushchev.pk}-colour": "blue"},
        headers=HTMX,
    )

    assert "There is already a subject called stalin." in response.content.decode()
    khrushchev.refresh_from_db()
    assert khrushchev.name == "Khrushchev"


# Updating, moving, deleting


def test_author_renames_a_subject(client, teacher, comparison):
    client.force_login(teacher)
    stalin = comparison.subjects.get(name="Stalin")

    response = client.post(
        update_url(comparison, "subject", stalin),
        {f"subject-{stalin.pk}-name": "Joseph Stalin", f"subject-{stalin.pk}-colour": "purple"},
        headers=HTMX,
    )

    stalin.refresh_from_db()
    assert (stalin.name, stalin.colour) == ("Joseph Stalin", "purple")
    assert announced(response) == "Subject saved."


def test_renaming_a_subject_keeps_its_own_name_free_to_change_case(client, teacher, comparison):
    client.force_login(teacher)
    stalin = comparison.subjects.get(name="Stalin")

    client.post(
        update_url(comparison, "subject", stalin),
        {f"subject-{stalin.pk}-name": "STALIN", f"subject-{stalin.pk}-colour": "red"},
    )

    stalin.refresh_from_db()
    assert stalin.name == "STALIN"


def test_author_edits_a_passage_and_its_tags(client, teacher, comparison):
    client.force_login(teacher)
    passage = Passage.objects.get(text="Paragraph 1.1")
    foreign = comparison.dimensions.get(name="Foreign policy")

    client.post(
        update_url(comparison, "passage", passage),
        {
            f"passage-{passage.pk}-text": "Rewritten.",
            f"passage-{passage.pk}-dimensions": [foreign.pk],
        },
        headers=HTMX,
    )

    passage.refresh_from_db()
    assert passage.text == "Rewritten."
    assert list(passage.dimensions.all()) == [foreign]


def test_moving_a_subject_down_swaps_it_with_the_next(client, teacher, comparison):
    client.force_login(teacher)
    stalin, khrushchev = comparison.subjects.all()

    response = client.post(
        move_url(comparison, "subject", stalin), {"direction": "down"}, headers=HTMX
    )

    assert announced(response) == "Subject moved."
    assert list(comparison.subjects.values_list("name", "order")) == [
        ("Khrushchev", 0),
        ("Stalin", 1),
    ]


def test_moving_a_section_up_swaps_it_with_the_previous(client, teacher, comparison):
    client.force_login(teacher)
    part_2 = comparison.sections.get(heading="Part 2")

    client.post(move_url(comparison, "section", part_2), {"direction": "up"})

    assert list(comparison.sections.values_list("heading", "order")) == [
        ("Part 2", 0),
        ("Part 1", 1),
    ]


def test_moving_the_first_item_up_leaves_the_order_alone(client, teacher, comparison):
    client.force_login(teacher)
    first = comparison.dimensions.get(name="Leadership style")

    client.post(move_url(comparison, "dimension", first), {"direction": "up"})

    assert list(comparison.dimensions.values_list("name", "order")) == [
        ("Leadership style", 0),
        ("Foreign policy", 1),
    ]


def test_moving_the_last_passage_down_leaves_the_order_alone(client, teacher, comparison):
    client.force_login(teacher)
    section = comparison.sections.get(heading="Part 1")
    last = section.passages.get(text="Paragraph 1.2")

    client.post(move_url(comparison, "passage", last), {"direction": "down"})

    assert list(section.passages.values_list("text", "order")) == [
        ("Paragraph 1.1", 0),
        ("Paragraph 1.2", 1),
    ]


def test_moving_a_passage_stays_within_its_section(client, teacher, comparison):
    client.force_login(teacher)
    part_2 = comparison.sections.get(heading="Part 2")
    first_of_part_2 = part_2.passages.get(text="Paragraph 2.1")

    client.post(move_url(comparison, "passage", first_of_part_2), {"direction": "up"})

    assert first_of_part_2.section == part_2
    assert list(part_2.passages.values_list("text", flat=True)) == [
        "Paragraph 2.1",
        "Paragraph 2.2",
    ]


def test_author_deletes_a_dimension(client, teacher, comparison):
    client.force_login(teacher)
    foreign = comparison.dimensions.get(name="Foreign policy")

    response = client.post(delete_url(comparison, "dimension", foreign), headers=HTMX)

    assert announced(response) == "Dimension deleted."
    assert "Foreign policy" not in response.content.decode()
    assert not Dimension.objects.filter(pk=foreign.pk).exists()
    assert not Contrast.objects.filter(dimension_id=foreign.pk).exists()


def test_author_deletes_a_section_with_its_passages(client, teacher, comparison):
    client.force_login(teacher)
    part_1 = comparison.sections.get(heading="Part 1")

    client.post(delete_url(comparison, "section", part_1))

    assert not Section.objects.filter(pk=part_1.pk).exists()
    assert not Passage.objects.filter(text="Paragraph 1.1").exists()


# Matrix cells


def test_saving_an_empty_cell_creates_it(client, teacher, draft):
    subject = SubjectFactory(comparison=draft)
    dimension = DimensionFactory(comparison=draft)
    client.force_login(teacher)

    response = client.post(
        cell_url(draft, dimension, subject),
        {f"cell-{dimension.pk}-{subject.pk}-statement": "  Ruled alone.  "},
        headers=HTMX,
    )

    assert announced(response) == "Cell saved."
    assert Contrast.objects.get(dimension=dimension, subject=subject).statement == "Ruled alone."
    assert "Ruled alone." in response.content.decode()


def test_saving_a_cell_again_updates_it(client, teacher, comparison):
    client.force_login(teacher)
    stalin = comparison.subjects.get(name="Stalin")
    leadership = comparison.dimensions.get(name="Leadership style")

    client.post(
        cell_url(comparison, leadership, stalin),
        {f"cell-{leadership.pk}-{stalin.pk}-statement": "Personal dictatorship."},
    )

    cells = Contrast.objects.filter(dimension=leadership, subject=stalin)
    assert [cell.statement for cell in cells] == ["Personal dictatorship."]


def test_emptying_a_cell_deletes_it(client, teacher, comparison):
    client.force_login(teacher)
    stalin = comparison.subjects.get(name="Stalin")
    leadership = comparison.dimensions.get(name="Leadership style")

    client.post(
        cell_url(comparison, leadership, stalin),
        {f"cell-{leadership.pk}-{stalin.pk}-statement": "   "},
    )

    assert not Contrast.objects.filter(dimension=leadership, subject=stalin).exists()
    assert Contrast.objects.filter(dimension__comparison=comparison).count() == 3


def test_a_cell_of_another_comparisons_dimension_is_404(client, teacher, comparison):
    other = comparison_with_content(teacher)
    client.force_login(teacher)
    theirs = other.dimensions.first()
    mine = comparison.subjects.first()

    response = client.post(
        cell_url(comparison, theirs, mine), {f"cell-{theirs.pk}-{mine.pk}-statement": "No."}
    )

    assert response.status_code == 404
    assert not Contrast.objects.filter(statement="No.").exists()


# Publishing


def test_publishing_with_fewer_than_two_subjects_is_refused(client, teacher, draft):
    SubjectFactory(comparison=draft)
    client.force_login(teacher)

    response = client.post(reverse("comparisons:publish", args=[draft.pk]), follow=True)

    assert "Add at least two subjects before publishing." in response.content.decode()
    draft.refresh_from_db()
    assert not draft.is_published


def test_publishing_with_two_subjects_publishes(client, teacher, draft):
    SubjectFactory(comparison=draft)
    SubjectFactory(comparison=draft)
    client.force_login(teacher)

    response = client.post(reverse("comparisons:publish", args=[draft.pk]))

    assert response.url == reverse("comparisons:edit", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.is_published
    assert draft.published_at is not None


def test_unpublishing_keeps_the_first_publication_date(client, teacher, comparison):
    comparison.publish()
    published_at = comparison.published_at
    client.force_login(teacher)

    client.post(reverse("comparisons:publish", args=[comparison.pk]), {"publish": "0"})

    comparison.refresh_from_db()
    assert not comparison.is_published
    assert comparison.published_at == published_at


def test_publish_only_accepts_post(client, teacher, comparison):
    client.force_login(teacher)

    assert client.get(reverse("comparisons:publish", args=[comparison.pk])).status_code == 405


# Access


def write_requests(comparison):
    """(url, data) for every endpoint that changes a comparison."""
    subject = comparison.subjects.first()
    dimension = comparison.dimensions.first()
    return [
        (reverse("comparisons:edit", args=[comparison.pk]), {"title": "Mine now"}),
        (reverse("comparisons:publish", args=[comparison.pk]), {"publish": "0"}),
        (add_url(comparison, "subject"), {"subject-new-name": "X", "subject-new-colour": "red"}),
        (update_url(comparison, "subject", subject), {f"subject-{subject.pk}-name": "X"}),
        (delete_url(comparison, "subject", subject), {}),
        (move_url(comparison, "subject", subject), {"direction": "down"}),
        (cell_url(comparison, dimension, subject), {}),
    ]


def assert_unchanged(comparison):
    fresh = Comparison.objects.get(pk=comparison.pk)
    assert (fresh.title, fresh.is_published) == (comparison.title, comparison.is_published)
    assert list(fresh.subjects.values_list("name", flat=True)) == ["Stalin", "Khrushchev"]
    assert fresh.subjects.get(name="Stalin").contrasts.count() == 2


def test_another_teacher_gets_404_on_every_write_to_a_draft(client, teacher, outsider_teacher):
    comparison = comparison_with_content(teacher)
    comparison.unpublish()
    client.force_login(outsider_teacher)

    assert client.get(reverse("comparisons:edit", args=[comparison.pk])).status_code == 404
    for url, data in write_requests(comparison):
        assert client.post(url, data).status_code == 404, url
    assert_unchanged(comparison)


def test_another_teacher_gets_403_on_every_write_to_a_published_comparison(
    client, comparison, outsider_teacher
):
    client.force_login(outsider_teacher)

    assert client.get(reverse("comparisons:edit", args=[comparison.pk])).status_code == 403
    for url, data in write_requests(comparison):
        assert client.post(url, data).status_code == 403, url
    assert_unchanged(comparison)


def test_student_gets_403_on_every_write_to_a_comparison_assigned_to_them(
    client, student, assignment
):
    comparison = assignment.comparison
    client.force_login(student)

    assert client.get(reverse("comparisons:edit", args=[comparison.pk])).status_code == 403
    for url, data in write_requests(comparison):
        assert client.post(url, data).status_code == 403, url
    assert_unchanged(comparison)


def test_student_gets_404_on_every_write_to_a_comparison_not_assigned_to_them(
    client, outsider_student, assignment
):
    comparison = assignment.comparison
    client.force_login(outsider_student)

    for url, data in write_requests(comparison):
        assert client.post(url, data).status_code == 404, url
    assert_unchanged(comparison)


def test_anonymous_visitor_is_sent_to_log_in(client, comparison):
    for url, data in write_requests(comparison):
        response = client.post(url, data)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login"))
    assert_unchanged(comparison)


def test_unknown_kind_of_item_is_404(client, teacher, comparison):
    client.force_login(teacher)
    subject = comparison.subjects.first()

    assert client.post(add_url(comparison, "contrast"), {}).status_code == 404
    assert client.post(update_url(comparison, "author", subject), {}).status_code == 404
    assert client.post(delete_url(comparison, "user", subject)).status_code == 404
    assert client.post(move_url(comparison, "comparison", subject)).status_code == 404


@pytest.mark.parametrize("kind", ["subject", "dimension", "section", "passage"])
def test_an_item_of_another_comparison_is_404_through_my_comparisons_url(
    client, teacher, comparison, kind
):
    other = comparison_with_content(teacher, sections=1, passages_per_section=1)
    theirs = {
        "subject": other.subjects.first(),
        "dimension": other.dimensions.first(),
        "section": other.sections.first(),
        "passage": Passage.objects.filter(section__comparison=other).first(),
    }[kind]
    client.force_login(teacher)

    assert client.post(update_url(comparison, kind, theirs), {}).status_code == 404
    assert client.post(move_url(comparison, kind, theirs), {"direction": "up"}).status_code == 404
    assert client.post(delete_url(comparison, kind, theirs)).status_code == 404
    assert type(theirs).objects.filter(pk=theirs.pk).exists()


def test_another_authors_item_is_404_through_my_comparisons_url(
    client, teacher, comparison, outsider_teacher
):
    theirs = comparison_with_content(outsider_teacher).subjects.first()
    client.force_login(teacher)

    response = client.post(delete_url(comparison, "subject", theirs))

    assert response.status_code == 404
    assert Subject.objects.filter(pk=theirs.pk).exists()


def test_htmx_write_without_a_csrf_token_is_refused(teacher, draft):
    client = Client(enforce_csrf_checks=True)
    client.force_login(teacher)

    response = client.post(
        add_url(draft, "subject"),
        {"subject-new-name": "Lenin", "subject-new-colour": "red"},
        headers=HTMX,
    )

    assert response.status_code == 403
    assert not draft.subjects.exists()


def test_assigned_comparison_stays_readable_by_the_class_after_unpublishing(
    client, teacher, student, classroom
):
    assignment = AssignmentFactory(classroom=classroom, comparison=comparison_with_content(teacher))
    client.force_login(teacher)
    client.post(reverse("comparisons:publish", args=[assignment.comparison.pk]), {"publish": "0"})
    client.force_login(student)

    response = client.get(reverse("comparisons:read", args=[assignment.pk]))

    assert response.status_code == 200


def test_a_move_without_a_direction_is_a_bad_request(client, teacher, comparison):
    client.force_login(teacher)
    subject = comparison.subjects.first()

    response = client.post(move_url(comparison, "subject", subject), {"direction": "sideways"})

    assert response.status_code == 400


def test_saving_details_over_htmx_also_updates_the_page_title(client, teacher, comparison):
    client.force_login(teacher)

    response = client.post(
        reverse("comparisons:edit", args=[comparison.pk]),
        {"title": "Renamed", "question": comparison.question, "summary": ""},
        headers=HTMX,
    )

    assert '<h1 id="comparison-title" hx-swap-oob="true">Renamed</h1>' in response.content.decode()


def test_a_class_keeps_reading_a_comparison_unpublished_after_it_was_assigned(
    client, teacher, student, assignment
):
    assignment.comparison.unpublish()
    client.force_login(student)

    api = client.get(f"/api/v1/comparisons/{assignment.comparison.pk}/")
    page = client.get(reverse("comparisons:read", args=[assignment.pk]))

    assert api.status_code == 200
    assert page.status_code == 200
