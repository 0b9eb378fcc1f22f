"""Essay drafts: written from an outline, paragraph by paragraph, with the outline beside."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from annotations.models import Annotation
from counterpoint import permissions
from counterpoint.lib.ratelimit import RateLimited
from counterpoint.lib.safejson import parse_number
from essays import builder, feedback
from essays.draft_checks import word_count
from essays.models import Outline
from essays.services import draft_checks, draft_create

PARAGRAPH_LIMIT = 20000


@login_required
@require_POST
def draft_start(request, pk):
    outline = permissions.get_outline_for(
        request.user, pk, action="write", queryset=Outline.objects.for_editor()
    )
    if outline.kind != Outline.Kind.OUTLINE:
        raise Http404
    try:
        draft = draft_create(outline=outline, author=request.user)
    except RateLimited as error:
        messages.error(request, error.message)
        return redirect("essays:outline", pk=outline.pk)
    messages.success(request, "Your draft is ready: each section of your outline is a paragraph.")
    return redirect("essays:draft", pk=draft.pk)


def _load(request, pk, action="read"):
    draft = permissions.get_outline_for(
        request.user, pk, action=action, queryset=Outline.objects.for_editor()
    )
    if draft.kind != Outline.Kind.DRAFT:
        raise Http404
    return draft


def _context(request, draft):
    sections = list(draft.sections.all())
    released = feedback.feedback_released(draft)
    comments = {}
    for comment in draft.comments.all():
        comments.setdefault(comment.section_key, []).append(comment)
    for section in sections:
        section.words = word_count(section.paragraph)
        section.comment_list = comments.get(section.key, [])
        for item in section.evidence.all():
            # Joining words that fit what the student said this evidence shows, not where it
            # sits on the page; none until they have said.
            item.joiners = builder.TRANSITIONS.get(item.relation, [])[:3] if item.relation else []
    assignment = draft.assignment
    is_author = draft.author_id == request.user.pk
    return {
        "draft": draft,
        "outline": draft,
        "assignment": assignment,
        "sections": sections,
        "total_words": sum(s.words for s in sections),
        "checks": draft_checks(draft),
        "transitions": builder.STARTERS,
        "is_author": is_author,
        "can_edit": is_author and draft.is_editable,
        "released": released,
        "general_comments": comments.get("", []),
        "scores": list(draft.scores.select_related("criterion", "level")),
    }


@login_required
def draft_page(request, pk):
    draft = _load(request, pk)
    return render(request, "essays/draft.html", _context(request, draft))


@login_required
@require_POST
def draft_save(request, pk):
    """Autosave of one paragraph, answered in JSON for the page's script: the new version,
    the word counts and the checks; 409 if the draft changed elsewhere."""
    draft = _load(request, pk, action="write")
    if not draft.is_editable:
        return JsonResponse({"detail": "This draft is with your teacher."}, status=400)
    text = request.POST.get("text", "").replace("\x00", "")
    if len(text) > PARAGRAPH_LIMIT:
        return JsonResponse(
            {"detail": f"A paragraph can be at most {PARAGRAPH_LIMIT:,} characters."}, status=400
        )
    section = next(
        (s for s in draft.sections.all() if str(s.pk) == request.POST.get("section")), None
    )
    if section is None:
        return JsonResponse({"detail": "That paragraph is not part of this draft."}, status=400)
    seen = parse_number(request.POST.get("version", ""))
    if not (seen is not None and draft.bump(seen)):
        current = Outline.objects.filter(pk=draft.pk).values_list("version", flat=True).first()
        return JsonResponse(
            {
                "detail": "This draft was changed in another tab or window, so this paragraph was "
                "not saved. Your text is still here.",
                "version": current,
            },
            status=409,
        )
    section.paragraph = text
    section.save(update_fields=["paragraph"])
    draft = Outline.objects.for_editor().get(pk=draft.pk)
    sections = list(draft.sections.all())
    checks = draft_checks(draft)
    return JsonResponse(
        {
            "version": draft.version,
            "words": word_count(text),
            "total": sum(word_count(s.paragraph) for s in sections),
            "checks_html": render_to_string("essays/_draft_checks.html", {"checks": checks}),
        }
    )


@login_required
def process(request, pk):
    """The path from highlights to outline to draft, as a plain timeline: evidence of the
    student's own work. The author and the class's teachers may see it."""
    work = permissions.get_outline_for(request.user, pk)
    student, assignment = work.author, work.assignment
    # What the viewer may see of the student's notes, by the one visibility rule: a teacher
    # never learns of a private note here either (not even that one was made).
    notes = Annotation.objects.visible_to(
        request.user,
        assignment,
        is_teacher=permissions.is_teacher(request.user, assignment.classroom_id),
    ).filter(author=student)
    events = [
        (a.created_at, "Annotated", f"“{a.exact[:80]}”" if a.exact else "a reply")
        for a in notes.only("created_at", "exact").order_by("created_at")
    ]
    for item in Outline.objects.filter(assignment=assignment, author=student).prefetch_related(
        "revisions"
    ):
        label = item.get_kind_display()
        events.append((item.created_at, f"Started {label.lower()}", item.title))
        events.append((item.updated_at, f"Last saved {label.lower()}", f"version {item.version}"))
        for revision in item.revisions.all():
            events.append(
                (
                    revision.submitted_at,
                    f"Submitted {label.lower()}",
                    f"revision {revision.number}" + (" (late)" if revision.is_late else ""),
                )
            )
    events.sort(key=lambda event: event[0])
    return render(
        request,
        "essays/process.html",
        {
            "student": student,
            "assignment": assignment,
            "events": events,
            "work": work,
        },
    )
