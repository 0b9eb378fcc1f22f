"""The essay builder page: choosing contrasts and evidence, the live preview, creating."""

import pytest
from django.urls import reverse

from annotations.models import Annotation, Link
from essays import tray
from essays.models import Evidence, Outline
from tests.annotations.helpers import annotate

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def builder_url(assignment):
    return reverse("essays:builder", args=[assignment.pk])


@pytest.fixture
def evidence(assignment, student, classmate):
    stalin, khrushchev = assignment.comparison.subjects.order_by("order")
    leadership = assignment.comparison.dimensions.order_by("order").first()
    mine = annotate(assignment, student, body="Fear", subjects=[stalin], dimension=leadership)
    theirs = annotate(
        assignment,
        classmate,
        body="Thaw",
        subjects=[khrushchev],
        dimension=leadership,
        quote="Paragraph 1.1",
    )
    private = annotate(
        assignment, classmate, body="Secret", subjects=[khrushchev], visibility="private"
    )
    return {
        "mine": mine,
        "theirs": theirs,
        "private": private,
        "leadership": leadership,
        "stalin": stalin,
        "khrushchev": khrushchev,
    }


def choices(assignment, evidence_keys, **extra):
    data = {
        "structure": "point_by_point",
        "stance": "differences",
        "dimensions": [d.pk for d in assignment.comparison.dimensions.all()],
        "evidence": evidence_keys,
    }
    data.update(extra)
    return data


def test_the_builder_shows_the_matrix_with_checkboxes_and_the_tray(
    client, assignment, student, evidence
):
    client.force_login(student)

    page = client.get(builder_url(assignment)).content.decode()

    assert 'name="dimensions"' in page and 'name="cells"' in page
    assert f'value="annotation:{evidence["mine"].pk}"' in page
    assert f'value="annotation:{evidence["theirs"].pk}"' in page


def test_a_classmates_private_or_hidden_annotation_is_not_in_the_tray(
    client, assignment, student, teacher, evidence
):
    evidence["theirs"].hide(teacher, "no")
    client.force_login(student)

    page = client.get(builder_url(assignment)).content.decode()

    assert f'value="annotation:{evidence["private"].pk}"' not in page
    assert f'value="annotation:{evidence["theirs"].pk}"' not in page


def test_comparison_links_arrive_as_ready_made_pairs(client, assignment, student, evidence):
    link = Link.objects.create(
        assignment=assignment,
        source=evidence["mine"],
        target=evidence["theirs"],
        author=student,
        relation="difference",
        explanation="Fear versus thaw",
    )
    client.force_login(student)

    page = client.get(builder_url(assignment)).content.decode()

    assert f'value="link:{link.pk}"' in page
    assert "Ready-made pairs" in page


def test_the_tray_filters_by_subject(client, assignment, student, evidence):
    client.force_login(student)

    response = client.get(
        builder_url(assignment),
        {"tray_subject": evidence["stalin"].pk},
        headers={**HTMX, "HX-Target": "evidence-tray"},
    )

    page = response.content.decode()
    assert page.lstrip().startswith('<div id="evidence-tray"')
    assert f'value="annotation:{evidence["mine"].pk}"' in page
    assert f'value="annotation:{evidence["theirs"].pk}"' not in page


def test_changing_a_choice_updates_the_preview_only(client, assignment, student, evidence):
    client.force_login(student)
    keys = [f"annotation:{evidence['mine'].pk}", f"annotation:{evidence['theirs'].pk}"]

    response = client.post(
        builder_url(assignment),
        choices(assignment, keys),
        headers={**HTMX, "HX-Target": "builder-preview"},
    )

    page = response.content.decode()
    assert page.lstrip().startswith('<div id="builder-preview"')
    assert "Stalin" in page and "Khrushchev" in page
    assert not Outline.objects.exists()


def test_creating_an_outline_saves_it_with_its_evidence_snapshots(
    client, assignment, student, evidence
):
    client.force_login(student)
    keys = [f"annotation:{evidence['mine'].pk}", f"annotation:{evidence['theirs'].pk}"]

    response = client.post(builder_url(assignment), {**choices(assignment, keys), "create": "1"})

    outline = Outline.objects.get()
    assert response.url == reverse("essays:outline", args=[outline.pk])
    assert outline.author == student and outline.version == 1
    quotes = set(Evidence.objects.filter(section__outline=outline).values_list("quote", flat=True))
    assert {evidence["mine"].exact, evidence["theirs"].exact} <= quotes
    assert outline.thesis == ""  # the student writes it, with frames beside the box
    assert set(outline.sections.values_list("claim", flat=True)) == {""}
    sources = dict(Evidence.objects.filter(section__outline=outline).values_list("quote", "source"))
    assert sources[evidence["mine"].exact] == "own"
    assert sources[evidence["theirs"].exact] == "classmate"


def test_the_same_choices_sent_twice_make_one_outline(client, assignment, student, evidence):
    """A double click on "Create this outline", or a browser resending the form."""
    client.force_login(student)
    keys = [f"annotation:{evidence['mine'].pk}"]
    data = {**choices(assignment, keys), "create": "1"}

    first = client.post(builder_url(assignment), data)
    second = client.post(builder_url(assignment), data)

    outline = Outline.objects.get()
    assert first.url == second.url == reverse("essays:outline", args=[outline.pk])


def test_different_choices_make_another_outline(client, assignment, student, evidence):
    client.force_login(student)
    mine, theirs = f"annotation:{evidence['mine'].pk}", f"annotation:{evidence['theirs'].pk}"

    client.post(builder_url(assignment), {**choices(assignment, [mine]), "create": "1"})
    client.post(builder_url(assignment), {**choices(assignment, [theirs]), "create": "1"})

    assert Outline.objects.count() == 2


def test_a_hand_edited_request_cannot_pull_in_a_private_annotation(
    client, assignment, student, evidence
):
    client.force_login(student)
    keys = [f"annotation:{evidence['private'].pk}"]

    client.post(builder_url(assignment), {**choices(assignment, keys), "create": "1"})

    assert not Evidence.objects.filter(annotation=evidence["private"]).exists()


@pytest.mark.parametrize("who", ["outsider_student", "outsider_teacher"])
def test_another_class_cannot_open_the_builder(request, client, assignment, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(builder_url(assignment)).status_code == 404


def test_nonsense_choices_never_break_the_page(client, assignment, student, evidence):
    client.force_login(student)

    response = client.post(
        builder_url(assignment),
        {
            "structure": "zigzag",
            "stance": "?",
            "dimensions": ["x", "999"],
            "evidence": ["annotation:abc", "link:999", "nonsense"],
        },
        headers={**HTMX, "HX-Target": "builder-preview"},
    )

    assert response.status_code == 200


def test_a_tray_card_is_rendered_once_until_its_note_changes(
    client, assignment, student, classmate, teacher, evidence, monkeypatch
):
    renders = []
    get_template = tray.get_template

    class Counted:
        def __init__(self, name):
            self.template = get_template(name)

        def render(self, context):
            renders.append(1)
            return self.template.render(context)

    monkeypatch.setattr(tray, "get_template", Counted)
    client.force_login(classmate)
    client.get(builder_url(assignment))  # my note and their two, one private: 3 cards
    client.force_login(student)
    client.get(builder_url(assignment))  # my note, and theirs as a classmate sees it: 2 more
    assert len(renders) == 5

    client.force_login(teacher)
    client.get(builder_url(assignment))  # both class notes as a classmate sees them: kept
    client.force_login(student)
    again = client.get(builder_url(assignment)).content.decode()
    assert len(renders) == 5

    Annotation.objects.filter(pk=evidence["theirs"].pk).update(body="Thaw, edited")
    edited = client.get(builder_url(assignment)).content.decode()

    assert len(renders) == 6
    assert "Thaw" in again
    assert "Thaw, edited" in edited


# --- query counts ----------------------------------------------------------------------


def test_the_builder_page_query_count(
    client, assignment, student, evidence, django_assert_num_queries
):
    client.force_login(student)
    client.get(builder_url(assignment))  # the text is kept from here on (comparisons.reading)

    # session, user, the assignment (class and comparison joined), my roles; the material:
    # the annotations I see, their subjects, comparison links; my outlines; the navigation's
    # unread count (a student's navigation has no moderation link, and their roles say so
    # without a query)
    with django_assert_num_queries(9):
        response = client.get(builder_url(assignment))

    assert response.status_code == 200


def test_creating_an_outline_reads_only_the_evidence_ticked(
    client, assignment, student, evidence, django_assert_num_queries
):
    client.force_login(student)
    client.get(builder_url(assignment))  # the text is kept from here on (comparisons.reading)
    keys = [f"annotation:{evidence['mine'].pk}", f"annotation:{evidence['theirs'].pk}"]
    data = {**choices(assignment, keys), "create": "1"}

    # session, user, the assignment, my roles; the two annotations ticked and their subjects
    # (no link is ticked); the lock on my membership, outlines just made; the outline, its
    # sections, which annotations still exist, the evidence; the two savepoints, each made
    # and released (the build and its create are each all or nothing)
    with django_assert_num_queries(16):
        response = client.post(builder_url(assignment), data)

    outline = Outline.objects.get(author=student)
    assert response.status_code == 302
    assert outline.sections.filter(evidence__isnull=False).distinct().count() >= 1
