from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, F, Prefetch, Q
from django.http import Http404, HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from annotations import anchoring, live, panel
from annotations.access import get_annotation_for, get_thread_for
from annotations.forms import (
    AnnotationEditForm,
    AnnotationForm,
    FlagForm,
    LinkForm,
    ModerationForm,
    ReplyForm,
)
from annotations.models import Annotation, Flag, ModerationAction, ViewerRule
from annotations.services import (
    RATE_LIMITED,
    REPLY_NEEDS_WORDS,
    annotation_create,
    annotation_moderate,
    annotation_update,
    flag_check,
    flag_create,
    helpful_toggle,
    link_create,
    may_post,
    passage_of,
    reply_create,
    reply_update,
)
from comparisons.reading import reading_for, reading_text_html
from counterpoint import permissions
from counterpoint.lib import compiled
from counterpoint.lib.errors import NotAllowed
from counterpoint.lib.ratelimit import RateLimited
from counterpoint.models import Classroom

# --- the reading page and its panel ----------------------------------------------


@login_required
def assignment_read(request, pk):
    """The reading page (its URL is comparisons:read: the text is the comparison's, the page
    around it is the panel's). The assignment comes with its reading goal, for the student's
    checklist (annotations.participation.goal_for)."""
    assignment = permissions.get_assignment_for(request.user, pk, related=["reading_goal"])
    return reading_page(request, assignment)


READING_REGIONS = {"annotation-results"}


def reading_page(request, assignment, *, annotate_form=None, status=200):
    """The reading page, or one region of it when htmx asks for it (filters)."""
    text = reading_for(assignment.comparison)
    region = request.htmx and request.htmx.target in READING_REGIONS
    if region:
        template, reading_text = f"annotations/_panel.html#{request.htmx.target}", None
    else:
        template, reading_text = "annotations/read.html", reading_text_html(text)
    context = {
        "comparison": text.comparison,
        "reading_text": reading_text,
        **text.layout,
        **panel.panel_context(request, assignment, text, annotate_form=annotate_form),
    }
    response = render(request, template, context, status=status)
    if region:
        # The count is spoken through the page's one live region, which stays in place.
        trigger_client_event(response, "announce", {"message": _results_note(context)})
    return response


def _results_note(context):
    total = context["total"]
    if context["filters"]:
        return f"{context['shown_count']} shown of {total}."
    return f"{total} annotation{pluralize(total)}."


@login_required
@require_GET
def panel_page(request, pk):
    """Further cards of the panel as list items: the page after `?after=` (with the panel's
    filters), or the cards named by `?ids=`. Without htmx, the reading page at that page."""
    assignment = permissions.get_assignment_for(request.user, pk)
    if not request.htmx:
        url = reverse("comparisons:read", args=[pk])
        return redirect(f"{url}?{request.GET.urlencode()}" if request.GET else url)
    text = reading_for(assignment.comparison)
    context = panel.page_context(request, assignment, text)
    return render(request, "annotations/_panel.html#annotation-page", context)


@login_required
@require_GET
def panel_anchors(request, pk):
    """The highlights of every note the viewer may see (with the panel's filters), as
    compact JSON for static/js/annotator.js: ids, offsets, colours and authors' names."""
    assignment = permissions.get_assignment_for(request.user, pk)
    text = reading_for(assignment.comparison)
    response = JsonResponse(panel.anchors_for(request, assignment, text))
    response["Cache-Control"] = "private, no-cache"
    return response


def _visible(user, assignment):
    """What the user may see of the assignment's annotations, replies included."""
    is_teacher = permissions.is_teacher(user, assignment.classroom_id)
    return Annotation.objects.visible_to(user, assignment, is_teacher=is_teacher)


def _render_panel(
    request, assignment, *, region=None, annotate_form=None, status=200, live=False, etag=None
):
    """The whole panel, or one region of it ("annotation-results", "annotation-live")."""
    text = reading_for(assignment.comparison)
    context = {
        "comparison": text.comparison,
        "live": live,
        **text.layout,
        **panel.panel_context(request, assignment, text, annotate_form=annotate_form, etag=etag),
    }
    template = "annotations/_panel.html" + (f"#{region}" if region else "")
    return render(request, template, context, status=status)


def _render_card(request, annotation, *, status=200, reply_error=None, reply_text="", seen=False):
    """The annotation's card in full, or nothing when the viewer may no longer see it; `seen`
    when the viewer's rule let them see it earlier in this request and nothing since could
    have changed that (a reply added to it), so it is not asked again."""
    assignment = annotation.assignment
    text = reading_for(assignment.comparison)
    is_teacher = permissions.is_teacher(request.user, assignment.classroom_id)
    rule = ViewerRule.for_viewer(request.user, assignment, is_teacher=is_teacher)
    shown = [annotation.pk] if seen or rule.among([annotation.pk]) else []
    cards = panel.cards_with_threads(request.user, shown, rule, text.layout["subjects"])
    if not cards:  # deleted, or no longer visible: remove it from the page
        return HttpResponse("")
    card = cards[0]
    teachers = panel.teacher_ids(assignment)
    panel.decorate(card, text.numbers, text.colours, teachers)
    html = panel.card_html(
        request,
        card,
        assignment=assignment,
        is_teacher=request.user.pk in teachers,
        reply_error=reply_error,
        reply_text=reply_text,
    )
    return HttpResponse(html, status=status)


def _back_to(annotation_or_assignment):
    if isinstance(annotation_or_assignment, Annotation):
        url = reverse("comparisons:read", args=[annotation_or_assignment.assignment_id])
        return redirect(f"{url}#annotation-{annotation_or_assignment.pk}")
    return redirect("comparisons:read", pk=annotation_or_assignment.pk)


def _announce(response, message):
    trigger_client_event(response, "announce", {"message": message})
    return response


def _refused(form, error: NotAllowed) -> int:
    """A rule's refusal shown on the form, beside its field when it names one the person
    sees (what was typed stays); the status to answer with: 422 like any form error, or the
    error's own when it is about the whole action (or a hidden field, such as the passage)."""
    field = form.fields.get(error.field) if error.field else None
    if field is None or field.widget.is_hidden:
        form.add_error(None, error.message)
        return error.status
    form.add_error(error.field, error.message)
    return 422


@login_required
@require_GET
def card(request, pk):
    """One annotation's card in full: a collapsed card in the panel opens with this."""
    annotation = get_annotation_for(request.user, pk)
    if not request.htmx:
        return _back_to(annotation)
    return _render_card(request, annotation)


# --- creating and discussing ----------------------------------------------------


@login_required
@require_POST
def annotation_new(request, pk):
    assignment = permissions.get_assignment_for(request.user, pk)
    text = reading_for(assignment.comparison)
    is_teacher = permissions.is_teacher(request.user, assignment.classroom_id)
    form = AnnotationForm(request.POST, comparison=text.comparison, is_teacher=is_teacher)
    if form.is_valid() and not may_post(request.user):
        form.add_error(None, RATE_LIMITED)
        return _invalid(request, assignment, form, status=429)
    if form.is_valid():
        data = form.cleaned_data
        try:
            passage = passage_of(assignment, data["passage"], text=text)
            annotation = annotation_create(
                assignment=assignment,
                author=request.user,
                passage=passage,
                exact=data["exact"],
                prefix=data["prefix"],
                suffix=data["suffix"],
                start=data["start"],
                end=data["end"],
                body=data["body"],
                kind=data["kind"],
                subjects=data["subjects"],
                dimension=data["dimension"],
                tags=data["tags"],
                visibility=data["visibility"],
                is_prompt=data.get("is_prompt", False),
            )
        except anchoring.SelectorError as error:
            form.add_error(None, str(error))
            return _invalid(request, assignment, form, status=400)
        except NotAllowed as error:
            return _invalid(request, assignment, form, status=_refused(form, error))
        if request.htmx:
            if panel.panel_query(request):  # the whole panel, filtered as the reader has it
                response = _render_panel(request, assignment)
            else:
                response = _render_added(request, assignment, annotation)
            trigger_client_event(response, "notes-changed")  # the reading goal's checklist
            return _announce(response, "Annotation added.")
        messages.success(request, "Annotation added.")
        return _back_to(annotation)
    return _invalid(request, assignment, form, status=422)


def _render_added(request, assignment, annotation):
    """After a new annotation: a blank form in place of the filled one, and the new card in
    full, placed in the list by live.js as a live update is (the panel's filters, if any,
    apply again on the next poll or filter change)."""
    is_teacher = permissions.is_teacher(request.user, assignment.classroom_id)
    context = panel.updates_context(
        request, assignment, [annotation.pk], in_full={annotation.pk}, is_teacher=is_teacher
    )
    text = reading_for(assignment.comparison)
    form = AnnotationForm(comparison=text.comparison, is_teacher=is_teacher)
    context["annotate_form"] = form
    # Its fields as the reading page has them: rendered once per version of the text.
    context["annotate_fields"] = panel.blank_form_html(text, form, "annotate-fields")
    response = render(request, "annotations/_panel.html#annotation-added", context)
    return reswap(retarget(response, "#annotate-form"), "outerHTML")


def _invalid(request, assignment, form, *, status):
    """Show the form again with what was typed and what to fix (full page without htmx)."""
    if request.htmx:
        return _render_panel(request, assignment, annotate_form=form, status=status)
    return reading_page(request, assignment, annotate_form=form, status=status)


@login_required
@require_POST
def reply_new(request, pk):
    parent = get_thread_for(request.user, pk)
    form = ReplyForm(request.POST)
    problem = None
    if not form.is_valid():
        problem, status = REPLY_NEEDS_WORDS, 422
    elif not may_post(request.user):
        problem, status = RATE_LIMITED, 429
    else:
        try:
            reply_create(
                parent=parent,
                author=request.user,
                body=form.cleaned_data["body"],
                private=form.cleaned_data["private"],
            )
        except NotAllowed as error:  # a locked thread
            problem, status = error.message, error.status
    # The thread was found visible by get_thread_for: a reply does not change that.
    if problem:
        if request.htmx:
            return _render_card(
                request,
                parent,
                status=status,
                reply_error=problem,
                reply_text=request.POST.get("body", ""),
                seen=True,
            )
        messages.error(request, problem)
        return _back_to(parent)
    if request.htmx:
        response = _render_card(request, parent, seen=True)
        trigger_client_event(response, "notes-changed")  # the reading goal's checklist
        return _announce(response, "Reply added.")
    return _back_to(parent)


@login_required
def annotation_edit(request, pk):
    annotation = get_annotation_for(request.user, pk, action="write")
    comparison = annotation.assignment.comparison
    previous_visibility = annotation.visibility
    if annotation.parent_id:
        form = ReplyForm(
            request.POST or None, initial={"body": annotation.body}, auto_id=f"edit-{pk}-%s"
        )
    else:
        form = AnnotationEditForm(
            request.POST or None,
            instance=annotation,
            comparison=comparison,
            auto_id=f"edit-{pk}-%s",  # its ids stay unique beside the panel's forms
        )
    status = 422 if form.is_bound else 200
    if request.method == "POST" and form.is_valid():
        try:
            if annotation.parent_id:
                reply_update(annotation, body=form.cleaned_data["body"])
            else:
                # The form set it on the instance; the service changes it with its replies.
                annotation.visibility = previous_visibility
                annotation_update(annotation, **form.cleaned_data)
        except NotAllowed as error:
            status = _refused(form, error)
        else:
            thread = annotation.parent or annotation
            if request.htmx:
                return _announce(_render_card(request, thread), "Saved.")
            return _back_to(thread)
    template = "annotations/edit.html"
    if request.htmx:
        template += "#edit-form"
    response = render(request, template, {"annotation": annotation, "form": form}, status=status)
    if request.htmx and form.is_bound:
        # Errors go back into the card's edit area, not over the card.
        response = reswap(retarget(response, f"#annotation-{annotation.pk}-extra"), "innerHTML")
    return response


@login_required
@require_POST
def annotation_delete(request, pk):
    annotation = get_annotation_for(request.user, pk, action="write")
    thread = annotation.parent
    annotation.soft_delete()
    if request.htmx:
        if thread is not None:
            return _announce(_render_card(request, thread), "Reply deleted.")
        return _announce(_render_card(request, annotation), "Annotation deleted.")
    messages.success(request, "Deleted.")
    return _back_to(thread or annotation.assignment)


@login_required
@require_POST
def helpful(request, pk):
    annotation = get_annotation_for(request.user, pk)
    try:
        marked = helpful_toggle(annotation=annotation, user=request.user)
    except NotAllowed as error:  # one's own annotation
        return HttpResponse(error.message, status=error.status)
    except RateLimited as error:
        if request.htmx:
            return _announce(_render_card(request, annotation, status=429), error.message)
        messages.error(request, error.message)
        return _back_to(annotation)
    if request.htmx:
        return _announce(
            _render_card(request, annotation),
            "Marked as helpful." if marked else "No longer marked as helpful.",
        )
    return _back_to(annotation)


@login_required
def link_new(request, pk):
    source = get_annotation_for(request.user, pk)
    assignment = source.assignment
    candidates = (
        _visible(request.user, assignment)
        .filter(parent__isnull=True, is_deleted=False, start__isnull=False)
        .exclude(pk=source.pk)
        # A comparison link joins different subjects: leave out those about the same ones.
        .exclude(subjects__in=list(source.subjects.all()))
        .select_related("author")
        .prefetch_related("subjects")
        .order_by("passage__section__order", "passage__order", "start")
    )
    form = LinkForm(
        request.POST or None,
        source=source,
        candidates=candidates,
        comparison=assignment.comparison,
        initial={"dimension": source.dimension_id},
        auto_id=f"link-{pk}-%s",
    )
    limited = False
    if request.method == "POST" and form.is_valid():
        link = form.save(commit=False)
        link.source, link.assignment, link.author = source, assignment, request.user
        try:
            link_create(link)
        except RateLimited as error:
            form.add_error(None, error.message)
            limited = True
    if request.method == "POST" and form.is_valid() and not limited:
        if request.htmx:
            return _announce(
                _render_panel(request, assignment, region="annotation-results"),
                "Comparison link added to both annotations.",
            )
        messages.success(request, "Comparison link added.")
        return _back_to(source)
    template = "annotations/link.html"
    if request.htmx:
        template += "#link-form"
    status = 429 if limited else 422 if form.is_bound else 200
    response = render(request, template, {"source": source, "form": form}, status=status)
    if request.htmx and form.is_bound:
        response = reswap(retarget(response, f"#annotation-{source.pk}-extra"), "innerHTML")
    return response


@login_required
def flag(request, pk):
    annotation = get_annotation_for(request.user, pk)
    thread = annotation.parent or annotation
    try:
        flag_check(annotation, request.user)  # before the form is even shown
    except NotAllowed as error:
        return HttpResponse(error.message, status=error.status)
    form = FlagForm(request.POST or None, auto_id=f"flag-{pk}-%s")
    status = 422 if form.is_bound else 200
    if request.method == "POST" and form.is_valid():
        try:
            flag_create(annotation=annotation, reporter=request.user, **form.cleaned_data)
        except NotAllowed as error:
            status = _refused(form, error)
        except RateLimited as error:
            form.add_error(None, error.message)
            status = 429
    if request.method == "POST" and form.is_valid():
        if request.htmx:
            return _announce(_render_card(request, thread), "Flagged for your teacher. Thank you.")
        messages.success(request, "Flagged for your teacher. Thank you.")
        return _back_to(thread)
    response = render(
        request,
        "annotations/flag.html" + ("#flag-form" if request.htmx else ""),
        {"annotation": annotation, "thread": thread, "form": form},
        status=status,
    )
    if request.htmx and form.is_bound:
        response = reswap(retarget(response, f"#annotation-{thread.pk}-extra"), "innerHTML")
    return response


# --- moderation ---------------------------------------------------------------------

ACTIVITY_LIMIT = 30
AUDIT_LIMIT = 50


def _rows(queryset):
    """Annotations as a moderation row shows them (annotations/_moderation_row.html): with
    their author, the note a reply answers, and their comparison's title, one column rather
    than two more objects per row."""
    return queryset.select_related("author", "parent").annotate(
        comparison_title=F("assignment__comparison__title")
    )


def _with_urls(items):
    """Give each moderation row its URLs (its actions', its reading page's), reversed once
    for the page rather than twice per row. A row deleted just now has no actions' URL (as
    the template's {% url ... as %} gave none)."""
    moderate = reverse("annotations:moderate", args=[0]).replace("/0/", "/{}/")
    read = reverse("comparisons:read", args=[0]).replace("/0/", "/{}/")
    for item in items:
        item.moderate_url = "" if item.pk is None else moderate.format(int(item.pk))
        item.read_url = read.format(int(item.assignment_id))
    return items


def _row(pk):
    """One annotation as _rows gives it, by a query compiled once (counterpoint.lib.compiled):
    its author (id and name, the rest deferred), the note it answers and its comparison's
    title; None when it is gone (deleted)."""
    fields = [field.attname for field in Annotation._meta.concrete_fields]

    def build(*, pk):
        return (
            _rows(Annotation.objects.filter(pk=pk))
            .order_by()
            .values_list(
                *fields,
                "author__display_name",
                "comparison_title",
                *(f"parent__{name}" for name in fields),
            )
        )

    found = compiled.rows(("moderation_row",), build, pk=int(pk))
    if not found:
        return None
    row, width = found[0], len(fields)
    item = Annotation.from_db("default", fields, row[:width])
    user_model = Annotation._meta.get_field("author").related_model
    item.author = user_model.from_db(
        "default", ["id", "display_name"], (item.author_id, row[width])
    )
    item.comparison_title = row[width + 1]
    item.parent = (
        Annotation.from_db("default", fields, row[width + 2 :]) if item.parent_id else None
    )
    return item


@login_required
def moderation(request, pk):
    """One class's moderation page: open flags, the latest activity, and the audit trail."""
    classroom = permissions.get_classroom_for(request.user, pk, action="moderate")
    # Private notes stay private, even from teachers: the queue shows what teachers may see.
    rows = _rows(Annotation.objects.for_moderation(classroom, request.user))
    # A class with groups: the teacher may look at one group's notes (and flags) at a time.
    grouped = permissions.has_groups(request.user, classroom.pk)
    groups = list(classroom.groups.order_by("pk")) if grouped else []
    group = next((g for g in groups if str(g.pk) == request.GET.get("group")), None)
    if group is not None:
        rows = rows.filtered({"group": group.pk}, request.user)
    open_flags = Flag.objects.filter(state=Flag.State.OPEN).select_related("reporter")
    flagged = _with_urls(
        list(
            rows.filter(flags__state=Flag.State.OPEN)
            .distinct()
            .prefetch_related(Prefetch("flags", queryset=open_flags, to_attr="open_flag_list"))
            .order_by("-created_at")
        )
    )
    latest = _with_urls(list(rows.order_by("-created_at")[:ACTIVITY_LIMIT]))
    for item in latest:
        # The latest activity lists no flags (the queue above does): said here, because a
        # template looking up a missing attribute of a model row costs a dir() of the row.
        item.open_flag_list = []
    audit = ModerationAction.objects.filter(classroom=classroom).select_related(
        "actor", "annotation_author"
    )[:AUDIT_LIMIT]
    return render(
        request,
        "annotations/moderation.html",
        {
            "classroom": classroom,
            "flagged": flagged,
            "latest": latest,
            "audit": audit,
            "groups": groups,
            "group": group,
        },
    )


@login_required
@require_POST
def moderate(request, pk):
    annotation = get_annotation_for(request.user, pk, action="moderate")
    form = ModerationForm(request.POST)
    if not form.is_valid():
        error = next(iter(form.errors.values()))[0]
        if request.htmx:
            return _render_row(
                request,
                annotation,
                error=error,
                reason=request.POST.get("reason", ""),
                status=422,
            )
        messages.error(request, error)
        return redirect("annotations:moderation", pk=annotation.assignment.classroom_id)
    try:
        record = annotation_moderate(
            annotation=annotation,
            actor=request.user,
            action=form.cleaned_data["action"],
            reason=form.cleaned_data["reason"],
        )
    except NotAllowed as error:
        status = 422 if error.field else error.status
        if request.htmx:
            return _render_row(
                request,
                annotation,
                error=error.message,
                reason=request.POST.get("reason", ""),
                status=status,
            )
        messages.error(request, error.message)
        return redirect("annotations:moderation", pk=annotation.assignment.classroom_id)
    note = f"{record.get_action_display()}."
    if request.htmx:
        fresh = _row(pk)
        return _announce(_render_row(request, fresh or annotation, done=record), note)
    messages.success(request, note)
    return redirect("annotations:moderation", pk=annotation.assignment.classroom_id)


UNDO = {
    ModerationAction.Action.HIDE: ModerationAction.Action.UNHIDE,
    ModerationAction.Action.UNHIDE: ModerationAction.Action.HIDE,
    ModerationAction.Action.PIN: ModerationAction.Action.UNPIN,
    ModerationAction.Action.UNPIN: ModerationAction.Action.PIN,
    ModerationAction.Action.LOCK: ModerationAction.Action.UNLOCK,
    ModerationAction.Action.UNLOCK: ModerationAction.Action.LOCK,
}


def _render_row(request, annotation, *, done=None, error=None, reason="", status=200):
    """One moderation row; after an action it collapses to a line with an undo."""
    return render(
        request,
        "annotations/_moderation_row.html",
        {
            "item": _with_urls([annotation])[0],
            "done": done,
            "error": error,
            "reason": reason,
            "undo": UNDO.get(done.action) if done else None,
            "section": "flagged" if request.POST.get("section") == "flagged" else "latest",
        },
        status=status,
    )


@login_required
def moderation_overview(request):
    """The navigation's "Moderation" link: each class I teach with its open flags."""
    teaching = [
        pk
        for pk, role in permissions.roles_by_classroom(request.user).items()
        if role == permissions.TEACHER
    ]
    if not teaching:
        raise Http404
    classes = (
        Classroom.objects.filter(pk__in=teaching, is_archived=False)
        .annotate(
            open_flags=Count(
                "assignments__annotations__flags",
                filter=Q(assignments__annotations__flags__state=Flag.State.OPEN),
            )
        )
        .order_by("-open_flags", "name")
    )
    return render(request, "annotations/moderation_overview.html", {"classes": classes})


# --- live updates -----------------------------------------------------------------


@require_GET
def poll(request, pk):
    """Live updates for the panel (annotations.live): 304 when nothing the viewer may see
    changed, in four queries: the session (none with Redis, which keeps sessions in front of
    the database: counterpoint.settings), the user (checked as Django's auth checks every
    request: the session's password hash, an active account), the viewer's access (their
    role in the class and the think-first gate), and the fingerprint of what they may see.
    Otherwise the cards changed since the client's fingerprint, or the whole list when a
    delta could miss something. Anonymous (or a stale session) is 401; anyone outside the
    class gets the same 404 whether the assignment exists or not, before any ETag is
    compared."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    access = Annotation.objects.viewer_access(pk, request.user)
    if access is None:
        raise Http404
    assignment, is_teacher, gated, scope = access
    now = Annotation.objects.activity_fingerprint(
        assignment, request.user, is_teacher=is_teacher, gated=gated, scope=scope
    )
    etag = now.etag
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
        response["ETag"] = etag
        return response
    held = live.Fingerprint.parse(request.headers.get("If-None-Match"))
    response = _render_delta(request, assignment, held, now, scope)
    if response is None:
        # The fingerprint just computed is the one the page gets: no second query.
        response = _render_panel(
            request, assignment, region="annotation-live", live=True, etag=etag
        )
    response["ETag"] = etag
    response["Cache-Control"] = "no-store"
    return response


def _render_delta(request, assignment, held, now, scope):
    """The cards changed since `held` as an update list for live.js to merge, with fresh
    counts and the new fingerprint; None when the whole list must be sent instead: filters
    in use, a think-first gate, or a change a delta cannot account for (annotations.live).
    Only rows the viewer may see, or could see until a teacher hid them, take part."""
    since = live.delta_since(held, now)
    if since is None or panel.panel_query(request):
        return None
    is_teacher = now.role == permissions.TEACHER
    changed = list(
        Annotation.objects.changed_since(
            assignment,
            request.user,
            is_teacher=is_teacher,
            since=since,
            above_pk=held.max_pk,
            scope=scope,
        )
    )
    inserted = [row_pk for row_pk, _, visible in changed if visible and row_pk > held.max_pk]
    left = [row_pk for row_pk, _, visible in changed if not visible]
    refresh = live.cards_to_refresh((row_pk, parent_id) for row_pk, parent_id, _ in changed)
    complete = live.delta_is_complete(held, now, inserted=inserted, left=left)
    if not complete or len(refresh) > live.DELTA_MAX_CARDS:
        return None
    shown_in_full = live.open_card_ids(request.GET.get("open"))
    # As on a fresh page, a panel shows PANEL_FULL_CARDS cards in full before collapsing.
    room = max(panel.PANEL_FULL_CARDS - len(shown_in_full), 0)
    context = panel.updates_context(
        request,
        assignment,
        refresh,
        in_full=shown_in_full | set(refresh[:room]),
        is_teacher=is_teacher,
        gated=False,
        scope=scope,
    )
    context["etag"] = now.etag
    # Rendered without the request's context processors (navigation, inbox): a delta shows
    # none of what they add, and it is half of all requests.
    return HttpResponse(render_to_string("annotations/_panel.html#annotation-delta", context))
