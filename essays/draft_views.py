"""Essay drafts: written from an outline, paragraph by paragraph, with the outline beside."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from annotations.models import Annotation
from counterpoint import permissions
from counterpoint.lib.errors import NotAllowed, VersionConflict
from counterpoint.lib.ratelimit import RateLimited
from essays import anchored, builder, feedback
from essays.access import get_outline_for
from essays.draft_checks import word_count
from essays.forms import ParagraphSaveForm, first_error
from essays.models import Outline
from essays.services import draft_checks, draft_create, draft_edit


@login_required
@require_POST
def draft_start(request, pk):
    outline = get_outline_for(
        request.user, pk, action="write", queryset=Outline.objects.for_editor()
    )
    try:
        draft = draft_create(outline=outline, author=request.user)
    except NotAllowed:
        raise Http404 from None  # a draft's own page has no "start a draft"
    except RateLimited as error:
        messages.error(request, error.message)
        return redirect("essays:outline", pk=outline.pk)
    messages.success(request, "Your draft is ready: each section of your outline is a paragraph.")
    return redirect("essays:draft", pk=draft.pk)


def _load(request, pk, action="read"):
    draft = get_outline_for(request.user, pk, action=action, queryset=Outline.objects.for_editor())
    if draft.kind != Outline.Kind.DRAFT:
        raise Http404
    return draft


def _context(request, draft):
    sections = list(draft.sections.all())
    released = feedback.feedback_released(draft)
    rows = list(draft.comments.all())
    comments = {}
    for comment in rows:
        comments.setdefault(comment.section_key, []).append(comment)
    assignment = draft.assignment
    is_author = draft.author_id == request.user.pk
    reading_url = reverse("comparisons:read", args=[assignment.pk])
    # Once feedback is out, the author sees which of their words each comment is about.
    anchored.mark_up(
        draft,
        sections,
        rows if is_author and released else [],
        only_marked=True,
        reading_url=reading_url,
    )
    for section in sections:
        section.words = word_count(section.paragraph)
        section.comment_list = comments.get(section.key, [])
        section.cited = anchored.citations(section.paragraph)
        for item in section.evidence.all():
            # Joining words that fit what the student said this evidence shows, not where it
            # sits on the page; none until they have said.
            item.joiners = builder.TRANSITIONS.get(item.relation, [])[:3] if item.relation else []
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
        "reading_url": reading_url,
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
    form = ParagraphSaveForm(request.POST)
    try:
        if not form.is_valid():
            raise NotAllowed(first_error(form))
        text = form.cleaned_data["text"]
        draft_edit(
            draft=draft,
            version=form.cleaned_data["version"],
            paragraphs=[{"id": form.cleaned_data["section"], "text": text}],
        )
    except VersionConflict as conflict:
        return JsonResponse(
            {
                "detail": "This draft was changed in another tab or window, so this paragraph was "
                "not saved. Your text is still here.",
                "version": conflict.current,
            },
            status=409,
        )
    except NotAllowed as refusal:
        message = refusal.message
        if refusal.field == "paragraphs":
            message = "That paragraph is not part of this draft."
        return JsonResponse({"detail": message}, status=400)
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
    work = get_outline_for(request.user, pk)
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
