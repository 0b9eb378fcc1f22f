"""Every URL, every kind of person: who gets in, who is turned away, and how.

`ROUTES` is the matrix. Each entry names a URL (by its name), how to fill in its arguments
from the shared world (tests/trust/world.py), and for each method it answers the status
each role must get, in the order of `world.ROLES`:

    anonymous, student (wrote the things), classmate, outsider student,
    teacher (of the class), outsider teacher, staff (in no class)

`LOGIN` means a redirect to the login page. A URL that is added to the project without an
entry here fails `test_every_route_is_in_the_matrix`, naming it: decide who may use it,
then add it. Each request runs in a transaction that is rolled back, so a write by one role
never changes what the next one sees.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from counterpoint.models import CoTeacherInvitation
from essays.models import Level
from tests.annotations.helpers import selection_post
from tests.trust.world import ROLES

LOGIN = "login"

# Not ours to police: the admin (Django's own staff checks), static files, the browsable
# API's login/logout pages, and DRF's format-suffix twins of the API routes (same views).
SKIPPED_NAMESPACES = {"admin", "rest_framework"}


def E(*statuses):
    """Expected statuses, one per role in ROLES order."""
    assert len(statuses) == len(ROLES), statuses
    return dict(zip(ROLES, statuses, strict=True))


POST_ONLY = E(LOGIN, 405, 405, 405, 405, 405, 405)  # login_required, then require_POST
API_POST_ONLY = E(403, 405, 405, 405, 405, 405, 405)


def same(status):
    return E(*[status] * len(ROLES))


# Common rows. "members" are the student, classmate and teacher of the class.
def members(ok=200, anon=LOGIN):
    return E(anon, ok, ok, 404, ok, 404, 404)


def class_teachers(ok=200, members_get=403, anon=LOGIN):
    return E(anon, members_get, members_get, 404, ok, 404, 404)


# Writing and importing comparisons: people who teach a class, and staff. Students get 403.
def authors(ok=200, anon=LOGIN):
    return E(anon, 403, 403, 403, ok, ok, ok)


# The comparison's author is the teacher; its readers (the class, and every teacher since it
# is published) are refused its editor with 403, everyone else with 404.
AUTHOR_OF_COMPARISON = E(LOGIN, 403, 403, 404, 302, 403, 404)


# An outline: its author and the class's teachers read it; only the author changes it (the
# teacher gets 403); the teachers review it (the author gets 403); classmates learn nothing.
def outline_readers(ok=200, anon=LOGIN):
    return E(anon, ok, 404, 404, ok, 404, 404)


def outline_author(ok=302, anon=LOGIN):
    return E(anon, ok, 404, 404, 403, 404, 404)


def outline_teachers(ok=302, anon=LOGIN):
    return E(anon, 403, 404, 404, ok, 404, 404)


def signed_in(ok=200, anon=LOGIN):
    return E(anon, ok, ok, ok, ok, ok, ok)


@dataclass
class Route:
    kwargs: Callable = lambda w: {}
    get: dict | None = None
    post: dict | None = None
    put: dict | None = None
    patch: dict | None = None
    delete: dict | None = None
    data: Callable = lambda w: {}
    json: bool = False
    query: str = ""
    headers: dict = field(default_factory=dict)


def teachers_template(w):
    """A rubric template the class's teacher saved."""
    from essays.models import RubricTemplate

    template, _ = RubricTemplate.objects.get_or_create(
        owner=w.teacher,
        name="Saved",
        defaults={"criteria": [{"name": "Argument", "levels": [{"name": "Clear", "points": 2}]}]},
    )
    return template


def pk(attr):
    return lambda w: {"pk": getattr(w, attr).pk}


def api(**kwargs):
    return Route(json=True, **kwargs)


ANON_API = 403  # DRF: session authentication first, so no WWW-Authenticate, so 403

ROUTES = {
    # --- accounts --------------------------------------------------------------------
    "dashboard": Route(get=signed_in()),
    "healthz": Route(get=same(200), post=same(405)),
    "signup": Route(
        get=E(200, *[302] * 6),
        post=E(302, *[302] * 6),
        data=lambda w: {
            "display_name": "New Person",
            "email": "new@example.test",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    ),
    "profile": Route(
        get=signed_in(), post=signed_in(302), data=lambda w: {"display_name": "Renamed"}
    ),
    "account_export": Route(get=signed_in(), post=signed_in(405)),
    "account_delete": Route(
        # The teacher (and the outsider teacher) teach a class: refused, with a 422 saying so.
        get=E(LOGIN, 200, 200, 200, 200, 200, 200),
        post=E(LOGIN, 422, 422, 422, 422, 422, 422),
        data=lambda w: {"email": "wrong@example.test"},
    ),
    # --- the inbox: each person's own; another's notification is a 404 ------------------
    "notifications:inbox": Route(get=signed_in(), post=signed_in(405)),
    "notifications:open": Route(
        kwargs=pk("notification"), get=E(LOGIN, 302, 404, 404, 404, 404, 404)
    ),
    "notifications:read": Route(
        kwargs=pk("notification"), get=POST_ONLY, post=E(LOGIN, 302, 404, 404, 404, 404, 404)
    ),
    "notifications:all_read": Route(get=POST_ONLY, post=signed_in(302)),
    "notifications:digest": Route(
        get=POST_ONLY, post=signed_in(302), data=lambda w: {"daily_digest": "on"}
    ),
    "login": Route(get=E(200, *[302] * 6), post=E(200, *[302] * 6)),
    "logout": Route(
        get=E(405, 405, 405, 405, 405, 405, 405),
        post=E(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),
    ),
    "password_change": Route(get=signed_in(), post=signed_in()),
    "password_change_done": Route(get=signed_in()),
    "password_reset": Route(get=same(200), post=same(200)),
    "password_reset_done": Route(get=same(200)),
    "password_reset_confirm": Route(
        kwargs=lambda w: {"uidb64": "MQ", "token": "set-password"}, get=same(200)
    ),
    "password_reset_complete": Route(get=same(200)),
    # --- classes ---------------------------------------------------------------------
    "classroom_new": Route(
        get=signed_in(), post=signed_in(302), data=lambda w: {"name": "A new class"}
    ),
    "join": Route(
        get=signed_in(),
        # Already in the class: the form says so (200); the outsiders join (302).
        post=E(LOGIN, 200, 200, 302, 200, 302, 302),
        data=lambda w: {"code": w.classroom.join_code},
    ),
    "classroom": Route(kwargs=pk("classroom"), get=members(), post=members()),
    "classroom_rotate_code": Route(kwargs=pk("classroom"), get=POST_ONLY, post=class_teachers(302)),
    "classroom_archive": Route(kwargs=pk("classroom"), get=POST_ONLY, post=class_teachers(302)),
    # The join code, link and QR shown large: only the class's teachers; a page to look at.
    "classroom_projector": Route(
        kwargs=pk("classroom"), get=class_teachers(), post=E(LOGIN, 405, 405, 405, 405, 405, 405)
    ),
    "co_teacher_invite": Route(
        kwargs=pk("classroom"),
        get=POST_ONLY,
        post=class_teachers(302),
        data=lambda w: {"email": w.outsider_teacher.email},
    ),
    "co_teacher_withdraw": Route(
        kwargs=lambda w: {"pk": w.classroom.pk, "invitation_pk": _invitation(w).pk},
        get=POST_ONLY,
        post=class_teachers(302),
    ),
    # The class's only teacher may not leave: told so on the class page (302).
    "classroom_leave": Route(kwargs=pk("classroom"), get=POST_ONLY, post=class_teachers(302)),
    # Only the person the invitation is addressed to (here the outsider teacher) may answer
    # it; for everyone else it does not exist.
    "invitation_accept": Route(
        kwargs=lambda w: {"pk": _invitation(w).pk},
        get=POST_ONLY,
        post=E(LOGIN, 404, 404, 404, 404, 302, 404),
    ),
    "invitation_decline": Route(
        kwargs=lambda w: {"pk": _invitation(w).pk},
        get=POST_ONLY,
        post=E(LOGIN, 404, 404, 404, 404, 302, 404),
    ),
    "classroom_leaving": Route(
        kwargs=pk("classroom"),
        get=POST_ONLY,
        post=class_teachers(302),
        data=lambda w: {"leaving_annotations": "remove"},
    ),
    "membership_remove": Route(
        kwargs=lambda w: {"pk": w.classroom.pk, "membership_pk": w.membership.pk},
        get=POST_ONLY,
        post=class_teachers(302),
    ),
    # --- small groups: the class's teachers change them; a member chooses their own view ---
    "groups_split": Route(
        kwargs=pk("classroom"),
        get=POST_ONLY,
        post=class_teachers(302),
        data=lambda w: {"size": "2", "order": "name"},
    ),
    "group_add": Route(kwargs=pk("classroom"), get=POST_ONLY, post=class_teachers(302)),
    "group_rename": Route(
        kwargs=lambda w: {"pk": w.classroom.pk, "group_pk": _group(w).pk},
        get=POST_ONLY,
        post=class_teachers(302),
        data=lambda w: {"name": "Front row"},
    ),
    "group_remove": Route(
        kwargs=lambda w: {"pk": w.classroom.pk, "group_pk": _group(w).pk},
        get=POST_ONLY,
        post=class_teachers(302),
    ),
    "students_move": Route(
        kwargs=pk("classroom"),
        get=POST_ONLY,
        post=class_teachers(302),
        data=lambda w: {"students": [w.membership.pk], "to": "none"},
    ),
    "students_place": Route(kwargs=pk("classroom"), get=POST_ONLY, post=class_teachers(302)),
    "whole_class_setting": Route(kwargs=pk("classroom"), get=POST_ONLY, post=class_teachers(302)),
    # Any member may post; for a teacher it changes nothing and says so (302 with a message).
    "whole_class_choice": Route(
        kwargs=pk("classroom"),
        get=POST_ONLY,
        post=members(302),
        data=lambda w: {"whole_class": "0"},
    ),
    # --- comparisons -------------------------------------------------------------------
    "comparisons:list": Route(get=authors()),
    "comparisons:new": Route(
        get=authors(),
        post=authors(302),
        data=lambda w: {"title": "A new one", "question": "Why?", "summary": ""},
    ),
    "comparisons:import": Route(
        get=authors(), post=authors(), data=lambda w: {"markdown": "# Why?\n\nText."}
    ),
    "comparisons:edit": Route(
        kwargs=pk("comparison"),
        get=E(LOGIN, 403, 403, 404, 200, 403, 404),
        post=AUTHOR_OF_COMPARISON,
        data=lambda w: {"title": "Renamed", "question": "Why?", "summary": ""},
    ),
    "comparisons:preview": Route(
        kwargs=pk("comparison"), get=E(LOGIN, 200, 200, 404, 200, 200, 404)
    ),
    "comparisons:publish": Route(
        kwargs=pk("comparison"),
        get=POST_ONLY,
        post=AUTHOR_OF_COMPARISON,
    ),
    "comparisons:item_add": Route(
        kwargs=lambda w: {"pk": w.comparison.pk, "kind": "dimension"},
        get=POST_ONLY,
        post=AUTHOR_OF_COMPARISON,
        data=lambda w: {"dimension-new-name": "Economy"},
    ),
    "comparisons:item_update": Route(
        kwargs=lambda w: {"pk": w.comparison.pk, "kind": "passage", "item_pk": w.passage.pk},
        get=POST_ONLY,
        post=AUTHOR_OF_COMPARISON,
        data=lambda w: {f"passage-{w.passage.pk}-text": "Paragraph 1.1 changed"},
    ),
    "comparisons:item_delete": Route(
        kwargs=lambda w: {"pk": w.comparison.pk, "kind": "section", "item_pk": w.section.pk},
        get=POST_ONLY,
        post=AUTHOR_OF_COMPARISON,
    ),
    "comparisons:item_move": Route(
        kwargs=lambda w: {"pk": w.comparison.pk, "kind": "subject", "item_pk": w.subject.pk},
        get=POST_ONLY,
        post=AUTHOR_OF_COMPARISON,
        data=lambda w: {"direction": "down"},
    ),
    "comparisons:cell_save": Route(
        kwargs=lambda w: {
            "pk": w.comparison.pk,
            "dimension_pk": w.dimension.pk,
            "subject_pk": w.subject.pk,
        },
        get=POST_ONLY,
        post=AUTHOR_OF_COMPARISON,
    ),
    "comparisons:assign": Route(
        kwargs=lambda w: {"classroom_pk": w.classroom.pk},
        get=class_teachers(),
        post=class_teachers(),
    ),
    "comparisons:read": Route(kwargs=pk("assignment"), get=members(), post=members()),
    "comparisons:assignment_settings": Route(
        kwargs=pk("assignment"), get=class_teachers(), post=class_teachers()
    ),
    # --- annotations -------------------------------------------------------------------
    "annotations:new": Route(
        kwargs=pk("assignment"),
        get=POST_ONLY,
        post=E(LOGIN, 302, 302, 404, 302, 404, 404),
        data=lambda w: selection_post(w.passage, "Paragraph"),
    ),
    # The live poll answers 401 rather than a redirect: it is fetched by script.
    "annotations:poll": Route(
        kwargs=pk("assignment"),
        get=E(401, 200, 200, 404, 200, 404, 404),
        post=E(405, 405, 405, 405, 405, 405, 405),
    ),
    "annotations:reply": Route(
        kwargs=pk("annotation"),
        get=POST_ONLY,
        post=E(LOGIN, 302, 302, 404, 302, 404, 404),
        data=lambda w: {"body": "Yes"},
    ),
    "annotations:edit": Route(
        kwargs=pk("annotation"),
        get=E(LOGIN, 200, 403, 404, 403, 404, 404),
        post=E(LOGIN, 302, 403, 404, 403, 404, 404),
        data=lambda w: {"body": "Changed", "kind": "comment", "visibility": "class"},
    ),
    "annotations:delete": Route(
        kwargs=pk("annotation"),
        get=POST_ONLY,
        post=E(LOGIN, 302, 403, 404, 403, 404, 404),
    ),
    # The author cannot mark their own note helpful or flag it (400).
    "annotations:helpful": Route(
        kwargs=pk("annotation"), get=POST_ONLY, post=E(LOGIN, 400, 302, 404, 302, 404, 404)
    ),
    # The panel's further pages and its anchor list: read by every member, written by none.
    "annotations:page": Route(
        kwargs=pk("assignment"),
        get=members(),
        post=E(LOGIN, 405, 405, 405, 405, 405, 405),
        headers={"HX-Request": "true"},
    ),
    "annotations:anchors": Route(
        kwargs=pk("assignment"), get=members(), post=E(LOGIN, 405, 405, 405, 405, 405, 405)
    ),
    # Without htmx, the card's URL sends the reader back to the note on the reading page.
    "annotations:card": Route(
        kwargs=pk("annotation"), get=members(), headers={"HX-Request": "true"}
    ),
    "annotations:link": Route(kwargs=pk("annotation"), get=members(), post=members()),
    "annotations:flag": Route(
        kwargs=pk("annotation"),
        get=E(LOGIN, 400, 200, 404, 200, 404, 404),
        post=E(LOGIN, 400, 302, 404, 302, 404, 404),
        data=lambda w: {"reason": "unkind"},
    ),
    "annotations:moderate": Route(
        kwargs=pk("annotation"),
        get=POST_ONLY,
        post=class_teachers(302),
        data=lambda w: {"action": "hide", "reason": "Off topic"},
    ),
    "annotations:moderation": Route(kwargs=pk("classroom"), get=class_teachers()),
    # Each teacher's own classes; 404 for anyone who teaches none.
    "annotations:moderation_overview": Route(get=E(LOGIN, 404, 404, 404, 200, 200, 404)),
    # --- essays --------------------------------------------------------------------------
    "essays:builder": Route(kwargs=pk("assignment"), get=members(), post=members()),
    "essays:outline": Route(kwargs=pk("outline"), get=outline_readers()),
    "essays:save": Route(
        kwargs=pk("outline"),
        get=POST_ONLY,
        post=outline_author(),
        data=lambda w: {"field": "thesis", "value": "New thesis", "version": w.outline.version},
    ),
    "essays:action": Route(
        kwargs=pk("outline"),
        get=POST_ONLY,
        post=outline_author(),
        data=lambda w: {
            "action": "move-section",
            "section": w.outline.sections.first().pk,
            "direction": "down",
            "version": w.outline.version,
        },
    ),
    "essays:delete": Route(kwargs=pk("outline"), get=POST_ONLY, post=outline_author()),
    "essays:print": Route(kwargs=pk("outline"), get=outline_readers()),
    # The example thesis is the author's help (without htmx, a redirect to the page showing it).
    "essays:example": Route(kwargs=pk("outline"), get=outline_author()),
    "essays:export": Route(
        kwargs=lambda w: {"pk": w.outline.pk, "fmt": "md"},
        get=outline_readers(),
    ),
    "essays:submit": Route(
        kwargs=pk("outline"),
        get=POST_ONLY,
        post=outline_author(),
        data=lambda w: {"confirm": "1"},
    ),
    "essays:revisions": Route(kwargs=pk("outline"), get=outline_readers()),
    "essays:comment_reply": Route(
        kwargs=lambda w: {"pk": w.outline.pk, "comment_pk": w.comment.pk},
        get=POST_ONLY,
        post=outline_author(),
        data=lambda w: {"state": "addressed", "student_reply": "Done"},
    ),
    "essays:review": Route(kwargs=pk("outline"), get=outline_teachers(200)),
    "essays:review_comment": Route(
        kwargs=pk("outline"),
        get=POST_ONLY,
        post=outline_teachers(),
        data=lambda w: {"body": "Good"},
    ),
    "essays:review_confirm": Route(
        kwargs=lambda w: {"pk": w.outline.pk, "comment_pk": w.comment.pk},
        get=POST_ONLY,
        post=outline_teachers(),
        # Reopening: the world's comment is unanswered, which there is nothing to confirm.
        data=lambda w: {"reopen": "1"},
    ),
    "essays:review_score": Route(
        kwargs=pk("outline"),
        get=POST_ONLY,
        post=outline_teachers(),
        data=lambda w: {
            "level": Level.objects.filter(criterion__rubric__assignment=w.assignment).first().pk
        },
    ),
    "essays:review_overall": Route(
        kwargs=pk("outline"),
        get=POST_ONLY,
        post=outline_teachers(),
        data=lambda w: {"overall_comment": "Fine"},
    ),
    "essays:review_decide": Route(
        kwargs=pk("outline"),
        get=POST_ONLY,
        post=outline_teachers(),
        data=lambda w: {"action": "accept"},
    ),
    "essays:submissions": Route(kwargs=pk("assignment"), get=class_teachers()),
    "essays:extension": Route(
        kwargs=lambda w: {"pk": w.assignment.pk, "student_pk": w.student.pk},
        get=POST_ONLY,
        post=class_teachers(302),
        data=lambda w: {"due_at": "2030-01-01T09:00"},
    ),
    "essays:release": Route(
        kwargs=pk("assignment"),
        get=POST_ONLY,
        post=class_teachers(302),
        data=lambda w: {"released": "1"},
    ),
    "essays:rubric": Route(kwargs=pk("assignment"), get=class_teachers(), post=class_teachers(302)),
    "essays:rubric_template_save": Route(
        kwargs=pk("assignment"),
        get=POST_ONLY,
        post=class_teachers(302),
        data=lambda w: {"name": "Essay rubric"},
    ),
    "essays:rubric_template_use": Route(
        kwargs=pk("assignment"),
        get=POST_ONLY,
        post=class_teachers(302),
        data=lambda w: {"template": teachers_template(w).pk},
    ),
    "essays:rubric_template_delete": Route(
        kwargs=lambda w: {"pk": w.assignment.pk, "template_pk": teachers_template(w).pk},
        get=POST_ONLY,
        post=class_teachers(302),
    ),
    "essays:bulk": Route(
        kwargs=pk("assignment"),
        get=POST_ONLY,
        post=class_teachers(302),
        data=lambda w: {"action": "accept", "everyone": "1"},
    ),
    # Nobody has handed work in: the teacher is sent back to the submissions page, told so.
    "essays:submissions_zip": Route(kwargs=pk("assignment"), get=class_teachers(302)),
    "annotations:reading_goal": Route(
        kwargs=pk("assignment"),
        get=class_teachers(),
        post=class_teachers(302),
        data=lambda w: {"evidence": "2", "questions": "1", "comments": "0", "replies": "1"},
    ),
    # A student's own checklist: the class's students only (teachers read the dashboard).
    "annotations:reading_goal_progress": Route(
        kwargs=pk("assignment"),
        get=E(LOGIN, 200, 200, 404, 404, 404, 404),
        post=E(LOGIN, 405, 405, 405, 405, 405, 405),
    ),
    "essays:draft_start": Route(kwargs=pk("outline"), get=POST_ONLY, post=outline_author(302)),
    "essays:draft": Route(kwargs=pk("draft"), get=outline_readers()),
    "essays:draft_save": Route(
        kwargs=pk("draft"),
        get=POST_ONLY,
        post=outline_author(200),
        data=lambda w: {
            "section": w.draft.sections.first().pk,
            "text": "A paragraph.",
            "version": w.draft.version,
        },
    ),
    "essays:draft_export": Route(
        kwargs=lambda w: {"pk": w.draft.pk, "fmt": "md"}, get=outline_readers()
    ),
    "essays:process": Route(kwargs=pk("draft"), get=outline_readers()),
    "insights:class_dashboard": Route(kwargs=pk("classroom"), get=class_teachers()),
    "insights:gradebook": Route(kwargs=pk("assignment"), get=class_teachers()),
    "insights:annotations": Route(kwargs=pk("assignment"), get=class_teachers()),
    # --- LTI (lti/): the LMS's endpoints answer anyone, checked by signature, not session -
    "lti:jwks": Route(get=same(200), post=same(405)),
    "lti:login": Route(get=same(400), post=same(400)),  # no issuer: refused calmly
    "lti:launch": Route(get=same(405), post=same(400)),  # no id_token: refused calmly
    "lti:session_check": Route(get=same(200), post=same(405)),
    "lti:continue": Route(kwargs=lambda w: {"ticket": "forged"}, get=same(400), post=same(405)),
    "lti:deep_link": Route(get=signed_in(400), post=signed_in(400)),  # only after a launch
    "lti:register": Route(kwargs=lambda w: {"token": "forged"}, get=same(400)),
    "lti:roster_sync": Route(
        kwargs=lambda w: {"pk": _lti_course(w).classroom_id},
        get=POST_ONLY,
        post=class_teachers(302),
    ),
    # --- API -----------------------------------------------------------------------------
    "api-root": api(get=E(403, 200, 200, 200, 200, 200, 200)),
    # The schema and its docs describe the API, not anyone's data: public.
    "schema": api(get=E(200, 200, 200, 200, 200, 200, 200)),
    "api-docs": api(get=E(200, 200, 200, 200, 200, 200, 200)),
    "classroom-list": api(get=E(403, 200, 200, 200, 200, 200, 200), post=API_POST_ONLY),
    "classroom-detail": api(
        kwargs=pk("classroom"),
        get=E(403, 200, 200, 404, 200, 404, 404),
        patch=API_POST_ONLY,
        delete=API_POST_ONLY,
    ),
    "notification-list": api(get=E(403, 200, 200, 200, 200, 200, 200), post=API_POST_ONLY),
    "notification-detail": api(
        kwargs=pk("notification"),
        get=E(403, 200, 404, 404, 404, 404, 404),
        delete=E(403, 405, 405, 405, 405, 405, 405),
    ),
    "notification-read": api(
        kwargs=pk("notification"), get=API_POST_ONLY, post=E(403, 200, 404, 404, 404, 404, 404)
    ),
    "notification-read-all": api(get=API_POST_ONLY, post=E(403, 200, 200, 200, 200, 200, 200)),
    "notification-unread-count": api(get=E(403, 200, 200, 200, 200, 200, 200), post=API_POST_ONLY),
    "classroom-flags": api(kwargs=pk("classroom"), get=E(403, 403, 403, 404, 200, 404, 404)),
    "comparison-list": api(get=E(403, 200, 200, 200, 200, 200, 200), post=API_POST_ONLY),
    "comparison-detail": api(
        kwargs=pk("comparison"), get=E(403, 200, 200, 404, 200, 200, 404), patch=API_POST_ONLY
    ),
    "annotation-collection": api(
        kwargs=pk("assignment"),
        get=E(403, 200, 200, 404, 200, 404, 404),
        post=E(403, 200, 200, 404, 200, 404, 404),
        data=lambda w: {
            "type": "Annotation",
            "body": {"type": "TextualBody", "value": "Imported", "purpose": "commenting"},
            "target": {
                "selector": {"type": "TextQuoteSelector", "exact": "Paragraph"},
            },
        },
    ),
    # Lists are scoped, so everyone signed in gets 200 (with only what they may see). An
    # outsider's create names an assignment or parent they cannot see: "No such
    # assignment." (400), the same answer as for an id that does not exist.
    "annotation-list": api(
        get=E(403, 200, 200, 200, 200, 200, 200),
        post=E(403, 201, 201, 400, 201, 400, 400),
        data=lambda w: {
            "assignment": w.assignment.pk,
            "parent": w.annotation.pk,
            "body": "An API reply",
        },
    ),
    "annotation-detail": api(
        kwargs=pk("annotation"),
        get=E(403, 200, 200, 404, 200, 404, 404),
        # The author's PUT without every field is a 400; a teacher's DELETE is moderation.
        put=E(403, 400, 403, 404, 403, 404, 404),
        patch=E(403, 200, 403, 404, 403, 404, 404),
        delete=E(403, 204, 403, 404, 204, 404, 404),
        data=lambda w: {"body": "Edited by API"},
    ),
    "annotation-replies": api(kwargs=pk("annotation"), get=E(403, 200, 200, 404, 200, 404, 404)),
    "annotation-flag": api(
        kwargs=pk("annotation"),
        get=API_POST_ONLY,
        # Its author cannot flag it (400); the classmate already did (200, the same flag).
        post=E(403, 400, 200, 404, 201, 404, 404),
        data=lambda w: {"reason": "unkind"},
    ),
    "annotation-hide": api(
        kwargs=pk("annotation"),
        get=API_POST_ONLY,
        post=E(403, 403, 403, 404, 200, 404, 404),
        data=lambda w: {"reason": "No"},
    ),
    "annotation-unhide": api(kwargs=pk("annotation"), post=E(403, 403, 403, 404, 200, 404, 404)),
    "annotation-pin": api(kwargs=pk("annotation"), post=E(403, 403, 403, 404, 200, 404, 404)),
    "annotation-lock": api(kwargs=pk("annotation"), post=E(403, 403, 403, 404, 200, 404, 404)),
    "annotation-keep": api(kwargs=pk("annotation"), post=E(403, 403, 403, 404, 200, 404, 404)),
    "outline-list": api(
        get=E(403, 200, 200, 200, 200, 200, 200),
        post=E(403, 201, 201, 400, 201, 400, 400),
        data=lambda w: {"assignment": w.assignment.pk},
    ),
    "outline-detail": api(
        kwargs=pk("outline"),
        get=E(403, 200, 404, 404, 200, 404, 404),
        patch=E(403, 200, 404, 404, 403, 404, 404),
        delete=E(403, 204, 404, 404, 403, 404, 404),
        data=lambda w: {"version": w.outline.version, "thesis": "By API"},
    ),
    "outline-export": api(
        kwargs=pk("outline"), query="?format=md", get=E(403, 200, 404, 404, 200, 404, 404)
    ),
    "assignment-rubric": api(
        kwargs=pk("assignment"),
        get=E(403, 403, 403, 404, 200, 404, 404),
        put=E(403, 403, 403, 404, 200, 404, 404),
        data=lambda w: {
            "criteria": [{"name": "Argument", "levels": [{"name": "Clear", "points": 2}]}]
        },
    ),
    # The example thesis: readers reach the rule, which refuses until a first attempt.
    "outline-example": api(kwargs=pk("outline"), get=E(403, 403, 404, 404, 403, 404, 404)),
    "draft-example": api(kwargs=pk("draft"), get=E(403, 403, 404, 404, 403, 404, 404)),
    "api/v1/assignments/<int:pk>/gradebook.csv": api(
        kwargs=pk("assignment"), get=E(403, 403, 403, 404, 200, 404, 404)
    ),
    "outline-submit": api(
        kwargs=pk("outline"), get=API_POST_ONLY, post=outline_author(200, anon=403)
    ),
    "outline-return": api(kwargs=pk("outline"), post=outline_teachers(400, anon=403)),
    "outline-accept": api(kwargs=pk("outline"), post=outline_teachers(400, anon=403)),
    "outline-revisions": api(kwargs=pk("outline"), get=outline_readers(anon=403)),
    "outline-comments": api(
        kwargs=pk("outline"),
        get=outline_readers(anon=403),
        post=outline_teachers(201, anon=403),
        data=lambda w: {"body": "Good"},
    ),
    "outline-comment-reply": api(
        kwargs=lambda w: {"pk": w.outline.pk, "comment_id": w.comment.pk},
        post=outline_author(200, anon=403),
        data=lambda w: {"state": "addressed", "student_reply": "Done"},
    ),
    "outline-comment-confirm": api(
        kwargs=lambda w: {"pk": w.outline.pk, "comment_id": w.comment.pk},
        post=outline_teachers(200, anon=403),
        data=lambda w: {"reopen": True},
    ),
    "outline-scores": api(
        kwargs=pk("outline"),
        get=outline_readers(anon=403),
        post=outline_teachers(200, anon=403),
        data=lambda w: _score(w),
    ),
    "draft-list": api(
        get=E(403, 200, 200, 200, 200, 200, 200),
        post=E(403, 201, 400, 400, 400, 400, 400),
        data=lambda w: {"outline": w.outline.pk},
    ),
    "draft-detail": api(
        kwargs=pk("draft"),
        get=outline_readers(anon=403),
        patch=outline_author(200, anon=403),
        delete=outline_author(204, anon=403),
        data=lambda w: {"version": w.draft.version, "title": "By API"},
    ),
    "draft-export": api(kwargs=pk("draft"), query="?format=md", get=outline_readers(anon=403)),
    "draft-submit": api(kwargs=pk("draft"), post=outline_author(200, anon=403)),
    "draft-return": api(kwargs=pk("draft"), post=outline_teachers(400, anon=403)),
    "draft-accept": api(kwargs=pk("draft"), post=outline_teachers(400, anon=403)),
    "draft-revisions": api(kwargs=pk("draft"), get=outline_readers(anon=403)),
    "draft-comments": api(
        kwargs=pk("draft"),
        get=outline_readers(anon=403),
        post=outline_teachers(201, anon=403),
        data=lambda w: {"body": "Good"},
    ),
    "draft-comment-reply": api(
        kwargs=lambda w: {"pk": w.draft.pk, "comment_id": w.draft_comment.pk},
        post=outline_author(200, anon=403),
        data=lambda w: {"state": "addressed", "student_reply": "Done"},
    ),
    "draft-comment-confirm": api(
        kwargs=lambda w: {"pk": w.draft.pk, "comment_id": w.draft_comment.pk},
        post=outline_teachers(200, anon=403),
        data=lambda w: {"reopen": True},
    ),
    "draft-scores": api(
        kwargs=pk("draft"),
        get=outline_readers(anon=403),
        post=outline_teachers(200, anon=403),
        data=lambda w: _score(w),
    ),
}


def _invitation(w):
    """An open invitation for the outsider teacher to teach the class."""
    invitation, _ = CoTeacherInvitation.objects.get_or_create(
        classroom=w.classroom,
        email=w.outsider_teacher.email.lower(),
        state=CoTeacherInvitation.State.PENDING,
        defaults={"invited_by": w.teacher},
    )
    return invitation


def _group(w):
    """A small group of the class."""
    from counterpoint.models import StudyGroup

    group, _ = StudyGroup.objects.get_or_create(classroom=w.classroom, name="Group 1")
    return group


def _lti_course(w):
    """The class as an LMS course (its roster URL left empty: nothing to fetch)."""
    from lti_tool.models import LtiContext, LtiDeployment, LtiRegistration

    from lti.models import CourseLink

    registration, _ = LtiRegistration.objects.get_or_create(
        issuer="https://lms.example.test",
        client_id="c",
        defaults={
            "name": "LMS",
            "auth_url": "https://lms.example.test/auth",
            "token_url": "https://lms.example.test/token",
            "keyset_url": "https://lms.example.test/jwks",
        },
    )
    deployment, _ = LtiDeployment.objects.get_or_create(
        registration=registration, deployment_id="d"
    )
    context, _ = LtiContext.objects.get_or_create(deployment=deployment, id_on_platform="course")
    link, _ = CourseLink.objects.get_or_create(context=context, defaults={"classroom": w.classroom})
    return link


def _score(w):
    level = Level.objects.filter(criterion__rubric__assignment=w.assignment).first()
    return {"criterion": level.criterion_id, "level": level.pk}


# --- walking the URLconf ---------------------------------------------------------------


def walk(patterns=None, namespace=None, prefix=""):
    """(name, route) for every URL pattern, depth first."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in SKIPPED_NAMESPACES:
                continue
            inner = ":".join(n for n in (namespace, pattern.namespace) if n) or None
            yield from walk(pattern.url_patterns, inner, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            if "<format>" in route or "(?P<format>" in route or "drf_format_suffix" in route:
                continue
            if route.startswith(("static/", "media/")):
                continue
            name = pattern.name or route
            yield (f"{namespace}:{name}" if namespace else name), route


def test_every_route_is_in_the_matrix():
    routes = dict(walk())
    missing = sorted(set(routes) - set(ROUTES))
    stale = sorted(set(ROUTES) - set(routes))

    assert not missing, (
        "These URLs have no entry in tests/trust/test_authorization_matrix.py ROUTES; "
        "decide who may use them and add them: "
        + ", ".join(f"{name} ({routes[name]})" for name in missing)
    )
    assert not stale, f"These matrix entries name URLs that no longer exist: {stale}"


# --- running the matrix ----------------------------------------------------------------


def send(client, route, method, url, w):
    data = route.data(w) if method != "get" else {}
    kwargs = {"headers": route.headers}
    if route.json and method != "get":
        kwargs["content_type"] = "application/json"
    return getattr(client, method)(url, data, **kwargs)


def outcome(response):
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return LOGIN
    return response.status_code


def url_for(name, route, w):
    """Named routes are reversed; an unnamed one is its route with the arguments filled in."""
    if "/" not in name:
        return reverse(name, kwargs=route.kwargs(w)) + route.query
    url = "/" + name
    for key, value in route.kwargs(w).items():
        url = url.replace(f"<int:{key}>", str(value)).replace(f"<{key}>", str(value))
    return url + route.query


def run(name, route, w, client, *, methods=("get", "post", "put", "patch", "delete")):
    """{(method, role): status} for every method the entry lists."""
    url = url_for(name, route, w)
    got = {}
    for method in methods:
        if getattr(route, method) is None:
            continue
        for role in ROLES:
            with transaction.atomic():
                client.logout()
                if role != "anonymous":
                    client.force_login(getattr(w, role))
                got[method, role] = outcome(send(client, route, method, url, w))
                transaction.set_rollback(True)
    return got


@pytest.fixture(scope="module")
def matrix_client():
    """One client for the module: its middleware is loaded once."""
    return Client()


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_route_answers_each_role_as_the_matrix_says(name, world, matrix_client, db):
    route = ROUTES[name]
    got = run(name, route, world, matrix_client)

    expected = {(method, role): getattr(route, method)[role] for method, role in got}
    wrong = {key: (expected[key], got[key]) for key in got if got[key] != expected[key]}
    actual = {
        method: "E(" + ", ".join(repr(got[method, role]) for role in ROLES) + ")"
        for method in dict.fromkeys(m for m, _ in got)
    }
    assert not wrong, f"{name}: (method, role): (expected, got) = {wrong}\nactual rows: {actual}"


# --- CSRF: every unsafe method, htmx or not ----------------------------------------------

REFUSED = {LOGIN, 401, 403, 404, 405}
UNSAFE = ("post", "put", "patch", "delete")


def first_allowed(route, method):
    """The first role the matrix lets through, or None if nobody may."""
    statuses = getattr(route, method)
    return next((role for role in ROLES if statuses[role] not in REFUSED), None)


# Posted cross-site by an LMS, so exempt from CSRF: a signed id_token and a one-time state
# and nonce are what protect them (lti/tool.py).
CSRF_EXEMPT = {"lti:login", "lti:launch"}

CSRF_CASES = sorted(
    (name, method)
    for name, route in ROUTES.items()
    for method in UNSAFE
    if getattr(route, method) is not None
    and first_allowed(route, method)
    and name not in CSRF_EXEMPT
)


@pytest.fixture(scope="module")
def csrf_client():
    return Client(enforce_csrf_checks=True)


@pytest.mark.parametrize(("name", "method"), CSRF_CASES)
def test_unsafe_requests_without_a_csrf_token_are_refused(name, method, world, csrf_client, db):
    """Sent by someone the matrix lets through, as htmx sends it, but with no token."""
    route = ROUTES[name]
    role = first_allowed(route, method)
    url = url_for(name, route, world)
    with transaction.atomic():
        csrf_client.logout()
        if role != "anonymous":
            csrf_client.force_login(getattr(world, role))
        route_with_htmx = Route(**{**route.__dict__, "headers": {"HX-Request": "true"}})
        response = send(csrf_client, route_with_htmx, method, url, world)
        transaction.set_rollback(True)

    assert response.status_code == 403, f"{method.upper()} {url} as {role}"
    assert b"CSRF" in response.content
