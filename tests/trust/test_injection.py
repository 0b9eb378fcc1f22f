"""Hostile text in every field people write, then every page and export that shows it.

For each payload in the corpus, the payload is written through every form and API field a
user fills in (as the person who may write there), then every page and export that shows
those fields is fetched by the people who see them. Nothing may answer 500; no HTML page may
carry the payload as live markup (a script, an event handler, a javascript: link, an SVG);
exports must still open; and no NUL character may reach the database (PostgreSQL refuses
them outright, so one that slips through is a 500 in production).
"""

import io
import json
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from docx import Document

from annotations.models import Annotation, Link
from essays.models import Outline
from tests.annotations.helpers import selection_post

SCRIPT = '<script>alert("xss")</script>'
CORPUS = {
    "script": SCRIPT,
    "event-handler": '<img src=x onerror=alert("xss")>',
    "attribute-breakout": '"><img src=x onerror=alert("xss")>',
    "javascript-link": '<a href="javascript:alert(1)">go</a> [go](javascript:alert(1))',
    "svg": '<svg onload=alert("xss")><script>alert("xss")</script></svg>',
    "long": "Long words " * 1000,
    "nul": "before\x00after",
    "right-to-left": "Stalin\u202egnp.exe",
    "sql": "Robert'); DROP TABLE counterpoint_user;-- \" OR 1=1 --",
}


class LiveMarkup(HTMLParser):
    """What a browser would act on: script that alerts, SVG, an image pointing at "x",
    event-handler attributes, javascript: URLs. Escaped text is data, and is not looked at."""

    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        if tag == "svg" and not self.is_join_qr_code(attrs):
            self.found.append("<svg>")
        if tag == "img" and ("src", "x") in attrs:
            self.found.append("<img src=x>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name in self.URL_ATTRIBUTES and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}=javascript:...>")
        self.in_script = tag == "script"

    @staticmethod
    def is_join_qr_code(attrs):
        """The one SVG the app draws itself (counterpoint.lib.qr): a viewBox and its class,
        nothing else, so a payload's <svg onload=...> or bare <svg> is still caught."""
        names = {name for name, _ in attrs}
        return names == {"viewbox", "class"} and ("class", "qr-code") in attrs

    def handle_endtag(self, tag):
        self.in_script = False

    def handle_data(self, data):
        if self.in_script and "alert(" in data:
            self.found.append("<script>alert(...)")


def live_markup(html: str) -> list[str]:
    parser = LiveMarkup()
    parser.feed(html)
    parser.close()
    return parser.found


def short(payload, n):
    """The payload cut to a field's length, so that short fields are attacked too."""
    return payload[:n]


# --- writing -------------------------------------------------------------------------------


class Writer:
    """Posts as one person after another, remembering what each write answered."""

    def __init__(self, world):
        self.world = world
        self.client = Client()
        self.as_role = None
        self.answers = []

    def be(self, role):
        if role != self.as_role:
            self.client.logout()
            if role != "anonymous":
                self.client.force_login(getattr(self.world, role))
            self.as_role = role
        return self.client

    def post(self, role, label, url, data, *, json_body=False, method="post", htmx=False):
        client = self.be(role)
        kwargs = {"headers": {"HX-Request": "true"} if htmx else {}}
        if json_body:
            kwargs["content_type"] = "application/json"
            data = json.dumps(data)
        response = getattr(client, method)(url, data, **kwargs)
        self.answers.append((label, response.status_code, response))
        return response


def write_everything(w, writer, payload):
    """Every field a user writes, through the HTML forms and the API."""
    p = payload
    c, a, o = w.comparison, w.assignment, w.outline
    section = o.sections.order_by("order").first()
    evidence = section.evidence.first() or o.sections.last().evidence.first()
    post = writer.post

    # People and classes.
    post(
        "anonymous",
        "signup",
        reverse("signup"),
        {
            "display_name": short(p, 60),
            "email": "hostile@example.test",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )
    writer.be("student")  # signing up logged the new person in
    post(
        "anonymous",
        "signup with a hostile e-mail",
        reverse("signup"),
        {
            "display_name": "X",
            "email": short(p, 200),
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )
    writer.be("student")
    post("anonymous", "login", reverse("login"), {"username": short(p, 200), "password": p})
    for role in ("student", "classmate", "teacher"):
        post(role, f"profile ({role})", reverse("profile"), {"display_name": short(p, 60)})
    post("teacher", "new class", reverse("classroom_new"), {"name": short(p, 100)})
    post("outsider_student", "join code", reverse("join"), {"code": p})
    post("teacher", "co-teacher", reverse("co_teacher_invite", args=[w.classroom.pk]), {"email": p})

    # Comparisons: the editor, and an imported article.
    post(
        "teacher",
        "new comparison",
        reverse("comparisons:new"),
        {"title": short(p, 200), "question": short(p, 300), "summary": p},
    )
    post(
        "teacher",
        "comparison details",
        reverse("comparisons:edit", args=[c.pk]),
        {"title": short(p, 200), "question": short(p, 300), "summary": p},
    )
    for kind, fields in (
        ("subject", {"subject-new-name": short(p, 60), "subject-new-colour": "green"}),
        ("dimension", {"dimension-new-name": short(p, 80)}),
        ("section", {"section-new-heading": short(p, 200)}),
    ):
        post("teacher", f"new {kind}", reverse("comparisons:item_add", args=[c.pk, kind]), fields)
    post(
        "teacher",
        "new paragraph",
        reverse("comparisons:item_add", args=[c.pk, "passage"]),
        {"section": w.section.pk, f"passage-new-in-{w.section.pk}-text": p},
    )
    post(
        "teacher",
        "edited subject",
        reverse("comparisons:item_update", args=[c.pk, "subject", w.subject.pk]),
        {
            f"subject-{w.subject.pk}-name": short("2" + p, 60),
            f"subject-{w.subject.pk}-colour": "red",
        },
    )
    post(
        "teacher",
        "edited dimension",
        reverse("comparisons:item_update", args=[c.pk, "dimension", w.dimension.pk]),
        {f"dimension-{w.dimension.pk}-name": short("2" + p, 80)},
    )
    post(
        "teacher",
        "matrix cell",
        reverse("comparisons:cell_save", args=[c.pk, w.dimension.pk, w.subject.pk]),
        {f"cell-{w.dimension.pk}-{w.subject.pk}-statement": p},
        htmx=True,
    )
    article = (
        f"# {p}?\n\n{p}\n\n## {p}\n\n{p}\n\n- {p}\n\n"
        f"| Dimension | {short(p, 50)} | Other |\n| --- | --- | --- |\n| {p} | {p} | x |\n"
    )
    post("teacher", "import preview", reverse("comparisons:import"), {"markdown": article})
    post(
        "teacher",
        "import create",
        reverse("comparisons:import"),
        {"markdown": article, "create": "1"},
    )
    # Pasted rich text: the payload both as markup and as the words of the page.
    pasted = (
        f"<h1>{p}?</h1><p>{p}</p><p>{escape(p)}</p><ul><li>{escape(p)}</li></ul>"
        f"<table><tr><th>Dimension</th><th>{escape(short(p, 50))}</th><th>Other</th></tr>"
        f"<tr><td>{escape(short(p, 80))}</td><td>{p}</td><td>x</td></tr></table>"
    )
    post("teacher", "import pasted", reverse("comparisons:import"), {"pasted_html": pasted})
    post(
        "teacher",
        "import pasted create",
        reverse("comparisons:import"),
        {"pasted_html": pasted, "create": "1"},
    )
    post(
        "teacher",
        "assignment settings",
        reverse("comparisons:assignment_settings", args=[a.pk]),
        {
            "due_at": "2031-01-01T09:00",
            "instructions": p,
            "essay_prompt": p,
            "reveal_after_posts": 0,
            "reveal_at": "",
        },
    )
    post(
        "teacher",
        "assign",
        reverse("comparisons:assign", args=[w.classroom.pk]),
        {"comparison": c.pk, "due_at": p, "instructions": p, "essay_prompt": p},
    )

    # Annotating: a note, a reply, an edit, a flag, a link; and the same through the API.
    post(
        "student",
        "annotation",
        reverse("annotations:new", args=[a.pk]),
        selection_post(w.passage, "Paragraph", body=p, tags=f"{short(p, 40)}, plain"),
    )
    post(
        "student",
        "annotation with a hostile selector",
        reverse("annotations:new", args=[a.pk]),
        {**selection_post(w.passage, "Paragraph"), "exact": p, "prefix": p, "suffix": p},
    )
    post("classmate", "reply", reverse("annotations:reply", args=[w.annotation.pk]), {"body": p})
    post(
        "student",
        "edit",
        reverse("annotations:edit", args=[w.annotation.pk]),
        {"body": p, "kind": "comment", "visibility": "class", "tags": short(p, 40)},
    )
    post(
        "teacher",
        "flag",
        reverse("annotations:flag", args=[w.classmate_annotation.pk]),
        {"reason": "other", "details": short(p, 300)},
    )
    Link.objects.filter(pk=w.link.pk).delete()  # one link per pair: make room for this one
    post(
        "student",
        "link",
        reverse("annotations:link", args=[w.annotation.pk]),
        {"target": w.classmate_annotation.pk, "relation": "difference", "explanation": p},
    )
    post(
        "teacher",
        "moderation reason",
        reverse("annotations:moderate", args=[w.reply.pk]),
        {"action": "hide", "reason": short(p, 300)},
    )
    api = "/api/v1/annotations/"
    post(
        "student",
        "API annotation",
        api,
        {
            "assignment": a.pk,
            "passage": w.passage.pk,
            "exact": "Paragraph",
            "start": 0,
            "end": 9,
            "body": short(p, 5000),
            "tags": [short(p, 40)],
            "prefix": "",
            "suffix": "",
        },
        json_body=True,
    )
    post("classmate", "API reply", api, {"parent": w.annotation.pk, "body": p}, json_body=True)
    post(
        "student",
        "API edit",
        f"{api}{w.annotation.pk}/",
        {"body": p, "tags": [p[:40]]},
        json_body=True,
        method="patch",
    )
    post(
        "student",
        "API flag",
        f"{api}{w.classmate_annotation.pk}/flag/",
        {"reason": "other", "details": short(p, 300)},
        json_body=True,
    )
    post(
        "teacher",
        "API hide",
        f"{api}{w.classmate_annotation.pk}/hide/",
        {"reason": short(p, 300)},
        json_body=True,
    )
    post(
        "student",
        "W3C import",
        reverse("annotation-collection", args=[a.pk]) + "?visibility=class",
        {
            "type": "Annotation",
            "body": [
                {"type": "TextualBody", "value": p, "purpose": "commenting"},
                {"type": "TextualBody", "value": short(p, 40), "purpose": "tagging"},
                {"type": "TextualBody", "value": p, "purpose": "classifying"},
            ],
            "target": {"selector": {"type": "TextQuoteSelector", "exact": "Paragraph"}},
        },
        json_body=True,
    )

    # The outline: autosaved fields in the editor, and the API.
    save = reverse("essays:save", args=[o.pk])
    fields = [
        ("title", short(p, 200)),
        ("thesis", short(p, 2000)),
        (f"section-{section.pk}-claim", short(p, 2000)),
        (f"section-{section.pk}-reasoning", short(p, 2000)),
        (f"section-{section.pk}-heading", short(p, 200)),
    ]
    if evidence:
        fields.append((f"evidence-{evidence.pk}-commentary", short(p, 2000)))
    for field, value in fields:
        version = type(o).objects.get(pk=o.pk).version
        post(
            "student",
            f"outline {field}",
            save,
            {"field": field, "value": value, "version": version},
            htmx=True,
        )
    version = type(o).objects.get(pk=o.pk).version
    post(
        "student",
        "API outline",
        f"/api/v1/outlines/{o.pk}/",
        {
            "version": version,
            "thesis": short(p, 2000),
            "title": short(p, 200),
            "sections": [{"id": section.pk, "claim": short(p, 2000)}],
        },
        json_body=True,
        method="patch",
    )

    # Feedback: the teacher's comments and verdict, the student's answer.
    post(
        "teacher",
        "review comment",
        reverse("essays:review_comment", args=[o.pk]),
        {
            "body": p,
            "section_key": section.key,
            "save_to_bank": "1",
            "criterion_name": short(p, 100),
        },
    )
    post(
        "teacher",
        "overall comment",
        reverse("essays:review_overall", args=[o.pk]),
        {"overall_comment": p, "release": "1"},
    )
    post(
        "student",
        "answer to a comment",
        reverse("essays:comment_reply", args=[o.pk, w.comment.pk]),
        {"state": "wont_fix", "student_reply": p},
    )
    post(
        "teacher",
        "extension",
        reverse("essays:extension", args=[a.pk, w.student.pk]),
        {"due_at": p},
    )
    rubric = a.rubric
    criterion = rubric.criteria.first()
    post(
        "teacher",
        "rubric",
        reverse("essays:rubric", args=[a.pk]),
        {
            f"criterion-{criterion.pk}-name": short(p, 100),
            f"criterion-{criterion.pk}-description": p,
        },
    )


# --- reading -------------------------------------------------------------------------------


def pages(w, payload):
    """(role, url) for every page and export that shows what was written."""
    a, o, c = w.assignment, w.outline, w.comparison
    q = {"q": payload[:200], "tag": payload[:40]}
    search = urlencode(q)
    shown = [
        ("", ("student", "teacher")),
        ("accounts/profile/", ("student",)),
        (f"classes/{w.classroom.pk}/", ("student", "teacher")),
        (f"assignments/{a.pk}/", ("student", "classmate", "teacher")),
        (f"assignments/{a.pk}/?{search}", ("student",)),
        (f"assignments/{a.pk}/builder/", ("student",)),
        (f"assignments/{a.pk}/builder/?tray_kind={payload[:50]}", ("student",)),
        (f"outlines/{o.pk}/", ("student", "teacher")),
        (f"outlines/{o.pk}/print/", ("student",)),
        (f"outlines/{o.pk}/revisions/", ("student",)),
        (f"outlines/{o.pk}/review/", ("teacher",)),
        (f"assignments/{a.pk}/submissions/", ("teacher",)),
        (f"assignments/{a.pk}/rubric/", ("teacher",)),
        (f"annotations/{w.annotation.pk}/edit/", ("student",)),
        (f"annotations/{w.annotation.pk}/link/", ("classmate",)),
        (f"annotations/{w.annotation.pk}/flag/", ("classmate",)),
        (f"classes/{w.classroom.pk}/moderation/", ("teacher",)),
        ("moderation/", ("teacher",)),
        ("comparisons/", ("teacher",)),
        (f"comparisons/{c.pk}/edit/", ("teacher",)),
        (f"comparisons/{c.pk}/preview/", ("teacher",)),
        (f"classes/{w.classroom.pk}/assign/", ("teacher",)),
        (f"assignments/{a.pk}/settings/", ("teacher",)),
        (f"classes/join/?code={payload[:50]}", ("outsider_student",)),
        (f"classes/join/?code={w.classroom.join_code}", ("outsider_student",)),
        (f"classes/{w.classroom.pk}/projector/", ("teacher",)),
        (f"accounts/login/?next={payload[:100]}", ("anonymous",)),
    ]
    for url, roles in shown:
        for role in roles:
            yield role, "/" + url
    for url in (
        f"/outlines/{o.pk}/export.md",
        f"/outlines/{o.pk}/export.docx",
        f"/api/v1/outlines/{o.pk}/export/?format=docx",
        f"/api/v1/outlines/{o.pk}/",
        f"/api/v1/annotations/?assignment={a.pk}&{search}",
        f"/api/v1/assignments/{a.pk}/annotations.jsonld",
        f"/api/v1/comparisons/{c.pk}/",
        f"/api/v1/classes/{w.classroom.pk}/flags/?state=all",
    ):
        yield "teacher", url
    yield "student", f"/api/v1/annotations/?assignment={a.pk}&{search}"
    yield "student", f"/api/v1/outlines/{o.pk}/"


def check_page(response, label):
    problems = []
    if response.status_code >= 500:
        return [f"{label}: {response.status_code}"]
    content_type = response.get("Content-Type", "")
    body = response.content
    if content_type.startswith("text/html"):
        problems += [f"{label}: live markup {found}" for found in live_markup(body.decode())]
    elif "json" in content_type and body:
        json.loads(body)
    elif "wordprocessingml" in content_type:
        Document(io.BytesIO(body))
    return problems


def text_columns():
    for model in apps.get_models():
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if names:
            yield model, names


def nul_rows():
    """Rows holding a NUL character (read in Python: SQLite's LIKE stops at a NUL)."""
    found = []
    for model, names in text_columns():
        for row in model.objects.values_list("pk", *names):
            for name, value in zip(names, row[1:], strict=True):
                if "\x00" in (value if isinstance(value, str) else json.dumps(value)):
                    found.append(f"{model._meta.label}.{name} (pk {row[0]})")
    return found


def shown_escaped(writer, w, payload):
    """The writes did land: the payload is on the pages, as text."""
    escaped = escape(payload)
    missing = []
    for role, url, what in (
        ("classmate", f"/assignments/{w.assignment.pk}/", "annotation body and reply"),
        ("teacher", f"/outlines/{w.outline.pk}/", "outline thesis"),
        ("teacher", f"/classes/{w.classroom.pk}/moderation/", "flagged and latest notes"),
        ("student", "/", "comparison title"),
    ):
        if escaped not in writer.be(role).get(url).content.decode():
            missing.append(f"{url} as {role}: {what} not shown")
    return missing


def test_the_checker_finds_live_markup_and_ignores_escaped_text():
    for payload in (CORPUS["script"], CORPUS["event-handler"], CORPUS["javascript-link"]):
        assert live_markup(f"<p>{payload}</p>"), payload
        assert not live_markup(f"<p>{escape(payload)}</p>"), payload
    assert live_markup(f'<p title="{CORPUS["attribute-breakout"]}">')
    assert not live_markup(f'<p title="{escape(CORPUS["attribute-breakout"])}">')


@pytest.mark.parametrize("payload", CORPUS.values(), ids=CORPUS.keys())
def test_hostile_text_is_stored_safely_and_shown_escaped(payload, world, db):
    writer = Writer(world)
    write_everything(world, writer, payload)

    errors = [f"{label}: {status}" for label, status, _ in writer.answers if status >= 500]
    assert not errors, "Server errors:\n" + "\n".join(errors)
    stored = nul_rows()
    assert not stored, "NUL characters reached the database:\n" + "\n".join(stored)
    if payload == CORPUS["nul"]:  # removed at the door, and the rest kept
        assert Annotation.objects.filter(body="beforeafter").exists()
        assert Outline.objects.filter(thesis="beforeafter").exists()
    problems = []
    if payload not in (CORPUS["long"], CORPUS["nul"]):
        problems += shown_escaped(writer, world, payload)
    for label, _, response in writer.answers:
        problems += check_page(response, f"answer to {label}")
    for role, url in pages(world, payload):
        response = writer.be(role).get(url)
        if response.status_code != 200:
            problems.append(f"{url} as {role}: {response.status_code}, not the page")
        problems += check_page(response, f"{url} as {role}")
    assert not problems, "\n".join(problems)
