# ruff: noqa: F811  (the fixtures imported from test_student_writes are used by name)
"""The editor page's own steps (issue 18): the student judges each dimension before the
thesis, the thesis waits for them, the sections follow them, the example thesis obeys the
teacher's setting, and every box shows its frames beside it."""

import pytest
from django.urls import reverse

from essays.models import Outline
from tests.essays.test_student_writes import notes, outline  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def save(client, outline, field, value, *, version=None):
    return client.post(
        reverse("essays:save", args=[outline.pk]),
        {"field": field, "value": value, "version": version or current(outline)},
        HTTP_ACCEPT="application/json",
    )


def current(outline):
    return Outline.objects.get(pk=outline.pk).version


def page(client, outline, query=""):
    url = reverse("essays:outline", args=[outline.pk]) + query
    return client.get(url).content.decode()


def judge_all(client, outline, cast):
    leadership, foreign = cast["leadership"].pk, cast["foreign"].pk
    for field, value in (
        (f"judgement-{leadership}-kind", "degree"),
        (f"judgement-{leadership}-sentence", "Both ruled the party, but Stalin used terror."),
        (f"judgement-{foreign}-kind", "alike"),
        (f"judgement-{foreign}-sentence", "Both kept a tight hold on Eastern Europe."),
        ("judgement-why", "It decided how ordinary people lived."),
        ("judgement-most", str(leadership)),
    ):
        assert save(client, outline, field, value).status_code == 200, field


def test_the_judgement_step_comes_before_the_thesis_which_waits(client, outline, student):
    client.force_login(student)

    html = page(client, outline)

    assert html.index("Judge each dimension") < html.index("Your thesis")
    assert "Your thesis waits for your judgements" in html
    # The judgement frame is visible help beside the box, tied to it.
    assert 'aria-describedby="judgement-' in html
    assert "On leadership style, Stalin ___, whereas Khrushchev ___." in html
    assert "Not chosen yet" in html


def test_judgements_save_one_field_at_a_time_and_carry_the_why(client, outline, student, cast):
    client.force_login(student)

    judge_all(client, outline, cast)

    outline.refresh_from_db()
    rows = {row["dimension"]: row for row in outline.judgements}
    leadership = rows[cast["leadership"].pk]
    assert leadership["kind"] == "degree"
    assert leadership["most_significant"] is True
    assert leadership["why"] == "It decided how ordinary people lived."
    assert rows[cast["foreign"].pk]["why"] == ""  # the why moved to the one that matters most
    assert rows[cast["foreign"].pk]["sentence"].startswith("Both kept")


def test_a_kind_only_successive_subjects_have_is_refused(client, outline, student, cast):
    client.force_login(student)

    response = save(client, outline, f"judgement-{cast['leadership'].pk}-kind", "changed")

    assert response.status_code == 400
    assert "followed one another" in response.json()["detail"]


def test_a_dimension_the_outline_did_not_choose_is_refused(client, outline, student, cast):
    client.force_login(student)
    other = cast["passages"][0].pk + 100000

    response = save(client, outline, f"judgement-{other}-sentence", "Hello")

    assert response.status_code == 400


def test_laying_out_waits_until_every_dimension_is_judged(client, outline, student):
    client.force_login(student)

    response = client.post(
        reverse("essays:action", args=[outline.pk]),
        {"action": "apply-judgements", "version": current(outline)},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert "Not yet: choose how they compare" in response.content.decode()


def test_laying_out_follows_the_judgements_and_opens_the_thesis(client, outline, student, cast):
    client.force_login(student)
    judge_all(client, outline, cast)
    before = {e.key: e.relation for s in outline.sections.all() for e in s.evidence.all()}

    response = client.post(
        reverse("essays:action", args=[outline.pk]),
        {"action": "apply-judgements", "version": current(outline)},
    )

    assert response.status_code == 302
    outline = Outline.objects.for_editor().get(pk=outline.pk)
    after = {e.key: e.relation for s in outline.sections.all() for e in s.evidence.all()}
    assert after == before  # every card stays, with the relation it had
    roles = [(s.role, s.dimension_id) for s in outline.sections.all()]
    # Foreign policy was judged alike: it concedes into the counterargument, not a body section.
    assert ("body", cast["foreign"].pk) not in roles
    assert ("body", cast["leadership"].pk) in roles
    assert outline.thesis == ""  # nothing written for the student
    html = page(client, outline)
    assert "Your thesis waits" not in html
    assert 'id="thesis-input"' in html
    assert "Essay question" in html
    assert 'aria-describedby="thesis-help"' in html
    assert "Sentence frames to start from" in html


def test_the_example_thesis_waits_for_a_first_attempt(client, outline, student, cast):
    client.force_login(student)
    judge_all(client, outline, cast)
    url = reverse("essays:example", args=[outline.pk])

    before = client.get(url, HTTP_HX_REQUEST="true")
    assert before.status_code == 200
    assert "Write your own thesis first" in before.content.decode()

    save(client, outline, "thesis", "Stalin ruled by fear whereas Khrushchev did not.")
    after = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Example, made from your judgements" in after
    assert "ruled the party, but Stalin used terror" in after


def test_the_example_is_offered_only_when_the_teacher_allows(client, outline, student, cast):
    outline.assignment.examples = "off"
    outline.assignment.save(update_fields=["examples"])
    client.force_login(student)
    judge_all(client, outline, cast)
    client.post(
        reverse("essays:action", args=[outline.pk]),
        {"action": "apply-judgements", "version": current(outline)},
    )

    html = page(client, outline)

    assert 'id="thesis-input"' in html
    assert "Show an example thesis" not in html
    refused = client.get(reverse("essays:example", args=[outline.pk]), HTTP_HX_REQUEST="true")
    assert "chosen not to show example" in refused.content.decode()


def test_a_card_shows_note_source_open_relation_and_the_reasoning_frame(client, outline, student):
    client.force_login(student)

    html = page(client, outline)

    assert "Your note" in html and "He ruled by fear" in html
    assert "From a classmate's note" in html
    assert "From the summary table" in html
    assert "This shows ___ because ___." in html
    assert "placeholder=" not in html


def test_without_javascript_the_example_link_shows_it_on_the_page(client, outline, student, cast):
    outline.assignment.examples = "always"
    outline.assignment.save(update_fields=["examples"])
    client.force_login(student)
    judge_all(client, outline, cast)
    client.post(
        reverse("essays:action", args=[outline.pk]),
        {"action": "apply-judgements", "version": current(outline)},
    )

    redirected = client.get(reverse("essays:example", args=[outline.pk]))
    assert redirected.status_code == 302
    html = page(client, outline, "?example=1")
    assert "Example, made from your judgements" in html
