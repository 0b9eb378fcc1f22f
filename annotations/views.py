from html import escape
from types import SimpleNamespace
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse, HttpResponseNotModified, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from annotations import anchoring, live, participation
from annotations.forms import (
    AnnotationEditForm,
    AnnotationForm,
    FilterForm,
    FlagForm,
    LinkForm,
    ModerationForm,
    ReplyForm,
)
from annotations.models import Annotation, Flag, Link, ModerationAction, visibility_condition
from annotations.services import (
    RATE_LIMITED,
    ThreadLocked,
    annotation_create,
    annotation_moderate,
    flag_create,
    helpful_toggle,
    link_create,
    may_post,
    reply_create,
    tags_set,
)
from comparisons.reading import reading_for
from counterpoint import permissions
from counterpoint.lib.ratelimit import RateLimited
from counterpoint.models import Classroom, User

# --- shaping the panel -----------------------------------------------------------


def _visible(user, assignment):
    is_teacher = permissions.is_teacher(user, assignment.classroom_id)
    return Annotation.objects.visible_to(user, assignment, is_teacher=is_teacher)


def _visible_and_cards(user, assignment, *, is_teacher, gated=None):
    """What the user may see (replies included) and, with the same rule, the top-level
    annotations alone (a simpler query, for the panel's list and counts): the think-first
    gate worked out once for both, unless the caller knows it."""
    if gated is None:
        gated = not is_teacher and assignment.is_gated_for(user)
    return tuple(
        Annotation.objects.visible_to(
            user, assignment, is_teacher=is_teacher, gated=gated, top_level_only=top_level_only
        )
        for top_level_only in (False, True)
    )


def _in_panel_order(entries, numbers):
    """Sort rows of for_panel_entries into the panel's order (PANEL_ORDER), giving each its
    `order_key` (annotations.live.order_key), which the browser also uses to place live
    updates."""
    for entry in entries:
        entry["order_key"] = live.order_key(
            is_prompt=entry["is_prompt"],
            is_pinned=entry["is_pinned"],
            number=numbers.get(entry["passage_id"]),
            start=entry["start"],
            pk=entry["pk"],
        )
    entries.sort(key=lambda entry: entry["order_key"])


def _cards(user, annotations, visible):
    """Top-level `annotations` for the panel, each with the replies and links that are
    among the `visible` ones."""
    return annotations.for_panel(user).prefetch_related(
        Prefetch(
            "replies",
            queryset=visible.filter(parent__isnull=False).select_related("author"),
            to_attr="visible_replies",
        ),
        Prefetch(
            "links_out",
            queryset=Link.objects.filter(target__in=visible).select_related(
                "target__author", "dimension"
            ),
            to_attr="visible_links_out",
        ),
        Prefetch(
            "links_in",
            queryset=Link.objects.filter(source__in=visible).select_related(
                "source__author", "dimension"
            ),
            to_attr="visible_links_in",
        ),
    )


def _panel_query(request):
    """The panel's filters without the live poll's `open` list: from the query string, or
    for a form posted with htmx, from the page it was posted from (so the panel that comes
    back is filtered as the reader had it)."""
    if request.method == "GET":
        query = request.GET.copy()
    elif request.htmx:
        query = QueryDict(urlsplit(request.htmx.current_url or "").query, mutable=True)
    else:
        query = QueryDict(mutable=True)
    query.pop("open", None)
    return query


def panel_context(request, assignment, text, *, annotate_form=None, etag=None):
    """Everything the annotation panel shows, in a fixed number of queries, beside `text`
    (the comparison's kept text, comparisons.reading)."""
    user = request.user
    is_teacher = permissions.is_teacher(user, assignment.classroom_id)
    gated = not is_teacher and assignment.is_gated_for(user)
    visible, cards_visible = _visible_and_cards(
        user, assignment, is_teacher=is_teacher, gated=gated
    )
    query = _panel_query(request)
    if query:
        entries = None
        authors = (
            User.objects.filter(annotations__in=cards_visible).distinct().order_by("display_name")
        )
    else:  # unfiltered, the entries are every card: their authors need no query of their own
        entries = list(cards_visible.for_panel_entries())
        authors = sorted(
            {
                e["author_id"]: SimpleNamespace(
                    pk=e["author_id"], display_name=e["author__display_name"]
                )
                for e in entries
            }.values(),
            key=lambda author: (author.display_name.casefold(), author.pk),
        )
    filter_form = FilterForm(
        query or None,
        subjects=text.layout["subjects"],
        dimensions=text.dimensions,
        authors=authors,
        auto_id="filter-%s",  # the annotate form beside it has a dimension field too
    )
    filters = filter_form.filters() if query else {}
    if entries is None:
        entries = list(cards_visible.filtered(filters, user, visible=visible).for_panel_entries())
    _in_panel_order(entries, text.numbers)
    teacher_ids = _teacher_ids(assignment)
    cards = _panel_cards(
        user,
        visible,
        entries,
        [e["pk"] for e in entries[:PANEL_FULL_CARDS]],
        text.numbers,
        text.colours,
        teacher_ids,
    )
    subjects, dimensions = text.layout["subjects"], text.dimensions
    counts = cards_visible.facet_counts(subjects=subjects, dimensions=dimensions)
    return {
        "assignment": assignment,
        "cards": cards,
        "cards_in_full": [card for card in cards if not getattr(card, "collapsed", False)],
        # One string for the collapsed cards (they follow the full ones): a template loop
        # over hundreds of them cost as much as building them.
        "collapsed_cards": _joined(card for card in cards if getattr(card, "collapsed", False)),
        "filters": filters,
        "filter_form": filter_form,
        "facets": _facets(counts, subjects, dimensions, filters),
        "total": sum(counts["kind"].values()),
        "annotate_form": annotate_form
        or AnnotationForm(comparison=text.comparison, is_teacher=user.pk in teacher_ids),
        "etag": etag
        or Annotation.objects.activity_fingerprint(
            assignment, user, is_teacher=is_teacher, gated=gated
        ).etag,
        "poll_query": query.urlencode(),
        "is_teacher": user.pk in teacher_ids,
        "gate_notice": _gate_notice(request, assignment, teacher_ids),
        # The student's own checklist against the reading goal (one query with no goal),
        # loaded only where a template shows it: the full page, never the panel's polls.
        "goal_progress": None
        if user.pk in teacher_ids
        else SimpleLazyObject(lambda: participation.progress_for_student(assignment, user)),
    }


def _panel_cards(user, visible, entries, in_full, numbers, colours, teacher_ids):
    """The cards for panel `entries` (rows of for_panel_entries, put in panel order by
    _in_panel_order): those in `in_full` loaded and decorated for the card template, the rest
    collapsed. Each carries its `order_key`, for the browser to place live updates."""
    full = {
        card.pk: card for card in _cards(user, Annotation.objects.filter(pk__in=in_full), visible)
    }
    card_url = reverse("annotations:card", args=[0]).replace("/0/", "/{}/")
    cards = []
    for entry in entries:
        card = full.get(entry["pk"])
        if card is None:
            card = _collapsed(entry, numbers, colours, card_url)
        else:
            _decorate(card, numbers, colours, teacher_ids)
        card.order_key = entry["order_key"]
        cards.append(card)
    return cards


def _joined(collapsed_cards):
    return mark_safe(  # noqa: S308 - each card built from escaped values (_collapsed)
        "".join(f'<li data-order="{card.order_key}">{card.html}</li>' for card in collapsed_cards)
    )


# The panel shows this many cards in full (prompts and pinned first, then in text order); the
# rest are collapsed to one line that opens on demand. A full card costs about two
# milliseconds to load and render, so a class with 1,000 annotations would otherwise spend
# two seconds on every page load, live update and new annotation (docs/decisions.md).
PANEL_FULL_CARDS = 12


def _collapsed(entry, numbers, colours, card_url):
    """A collapsed card: one line (author, paragraph, quote) with the data its highlight needs
    (as on a full card, see _card.html), opening in full when focused (a click on its
    highlight) or clicked. Built here rather than in a template: a class has hundreds of these,
    and an included template (or even format_html) costs ten to thirty times as much per card.
    Every value from the database goes through html.escape."""
    count, first = entry["subject_count"], entry["first_subject"]
    colour = colours.get(first, "none") if count == 1 else ("multi" if count else "none")
    pk, url = entry["pk"], card_url.format(entry["pk"])
    if entry["is_orphaned"] or entry["is_deleted"] or entry["start"] is None:
        place = 'data-orphaned="true"'
    else:
        place = f'data-start="{int(entry["start"])}" data-end="{int(entry["end"])}"'
    number = numbers.get(entry["passage_id"])
    exact = entry["exact"]
    author = "Deleted annotation" if entry["is_deleted"] else entry["author__display_name"]
    passage_id = entry["passage_id"] or ""  # empty once its paragraph left the text
    label = (
        f'<span class="card-author">{escape(author)}</span>'
        + (f" ¶{number}" if number else "")
        + (" (orphaned, no longer in the text)" if entry["passage_id"] is None else "")
        + (f" “{escape(exact if len(exact) <= 80 else exact[:79] + '…')}”" if exact else "")
    )
    return SimpleNamespace(
        collapsed=True,
        pk=pk,
        html=mark_safe(  # noqa: S308 - built from escaped values above
            f'<article class="annotation-card is-collapsed subject-{escape(colour)}"'
            f' id="annotation-{pk}" data-annotation="{pk}" data-passage="{passage_id}"'
            f' {place} data-exact="{escape(exact)}" data-colour="{escape(colour)}" tabindex="-1"'
            f' hx-get="{url}" hx-trigger="focus" hx-target="this" hx-swap="outerHTML">'
            f'<a class="card-open" href="{url}" hx-get="{url}" hx-target="closest article"'
            f' hx-swap="outerHTML">{label}</a></article>'
        ),
    )


def _teacher_ids(assignment) -> set[int]:
    return set(assignment.classroom.teachers().values_list("pk", flat=True))


def _gate_notice(request, assignment, teacher_ids):
    """For a student still thinking first: what they must do before seeing classmates'."""
    if request.user.pk in teacher_ids or not assignment.is_gated_for(request.user):
        return None
    if assignment.reveal_at and assignment.reveal_at > timezone.now():
        when = date_format(timezone.localtime(assignment.reveal_at), "j M, H:i")
        return f"Think first: your classmates' annotations appear on {when}."
    return (
        f"Think first: post {assignment.reveal_after_posts} annotations of your own to see "
        "your classmates'."
    )


def _decorate(card, numbers, colours, teacher_ids):
    """Attach what the card template shows, computed from prefetched rows."""
    subjects = list(card.subjects.all())
    card.subject_list = subjects
    card.colour = (
        colours.get(subjects[0].pk, "none")
        if len(subjects) == 1
        else ("multi" if subjects else "none")
    )
    card.number = numbers.get(card.passage_id)
    card.by_teacher = card.author_id in teacher_ids
    for reply in card.visible_replies:
        reply.by_teacher = reply.author_id in teacher_ids
    card.link_list = [(link, link.target) for link in card.visible_links_out] + [
        (link, link.source) for link in card.visible_links_in
    ]


def _facets(counts, subjects, dimensions, current):
    """Counts per filter value, as (label, query string, count, active) chips; `current`
    are the filters in use."""
    groups = [
        ("Kind", "kind", [(k, label) for k, label in Annotation.Kind.choices]),
        ("Subject", "subject", [(s.pk, s.name) for s in subjects]),
        ("Dimension", "dimension", [(d.pk, d.name) for d in dimensions]),
    ]
    facets = []
    for title, field, options in groups:
        chips = [
            (label, f"{field}={value}", counts[field].get(value, 0), current.get(field) == value)
            for value, label in options
        ]
        facets.append((title, field, chips))
    return facets


def _render_panel(
    request, assignment, *, region=None, annotate_form=None, status=200, live=False, etag=None
):
    """The whole panel, or one region of it ("annotation-results", "annotation-live")."""
    text = reading_for(assignment.comparison)
    context = {
        "comparison": text.comparison,
        "live": live,
        **text.layout,
        **panel_context(request, assignment, text, annotate_form=annotate_form, etag=etag),
    }
    template = "annotations/_panel.html" + (f"#{region}" if region else "")
    return render(request, template, context, status=status)


def _render_card(request, annotation, *, status=200, reply_error=None, reply_text=""):
    assignment = annotation.assignment
    visible = _visible(request.user, assignment)
    card = _cards(request.user, visible.filter(pk=annotation.pk), visible).first()
    if card is None:  # deleted, or no longer visible: remove it from the page
        return HttpResponse("")
    text = reading_for(assignment.comparison)
    teacher_ids = _teacher_ids(assignment)
    _decorate(card, text.numbers, text.colours, teacher_ids)
    return render(
        request,
        "annotations/_card.html",
        {
            "card": card,
            "assignment": assignment,
            "is_teacher": request.user.pk in teacher_ids,
            "reply_error": reply_error,
            "reply_text": reply_text,
        },
        status=status,
    )


def _back_to(annotation_or_assignment):
    if isinstance(annotation_or_assignment, Annotation):
        url = reverse("comparisons:read", args=[annotation_or_assignment.assignment_id])
        return redirect(f"{url}#annotation-{annotation_or_assignment.pk}")
    return redirect("comparisons:read", pk=annotation_or_assignment.pk)


def _announce(response, message):
    trigger_client_event(response, "announce", {"message": message})
    return response


@login_required
@require_GET
def card(request, pk):
    """One annotation's card in full: a collapsed card in the panel opens with this."""
    annotation = permissions.get_annotation_for(request.user, pk)
    if not request.htmx:
        return _back_to(annotation)
    return _render_card(request, annotation)


# --- creating and discussing ----------------------------------------------------


@login_required
@require_POST
def annotation_new(request, pk):
    assignment = permissions.get_assignment_for(request.user, pk)
    comparison = assignment.comparison
    is_teacher = permissions.is_teacher(request.user, assignment.classroom_id)
    form = AnnotationForm(
        request.POST, comparison=reading_for(comparison).comparison, is_teacher=is_teacher
    )
    if form.is_valid() and not may_post(request.user):
        form.add_error(None, RATE_LIMITED)
        return _invalid(request, assignment, form, status=429)
    if form.is_valid():
        data = form.cleaned_data
        passage = comparison_passage(comparison, data["passage"])
        try:
            if passage is None:
                raise anchoring.SelectorError(
                    "That paragraph is not part of this text.", code="passage"
                )
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
        if request.htmx:
            if _panel_query(request):  # the whole panel, filtered as the reader has it
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
    context = _updates_context(
        request, assignment, [annotation.pk], in_full={annotation.pk}, is_teacher=is_teacher
    )
    context["annotate_form"] = AnnotationForm(
        comparison=reading_for(assignment.comparison).comparison, is_teacher=is_teacher
    )
    response = render(request, "annotations/_panel.html#annotation-added", context)
    return reswap(retarget(response, "#annotate-form"), "outerHTML")


def comparison_passage(comparison, passage_id):
    from comparisons.models import Passage

    return Passage.objects.filter(pk=passage_id, section__comparison=comparison).first()


def _invalid(request, assignment, form, *, status):
    """Show the form again with what was typed and what to fix (full page without htmx)."""
    if request.htmx:
        return _render_panel(request, assignment, annotate_form=form, status=status)
    from comparisons.views import reading_page

    return reading_page(request, assignment, annotate_form=form, status=status)


@login_required
@require_POST
def reply_new(request, pk):
    parent = permissions.get_annotation_for(request.user, pk)
    if parent.parent_id:
        parent = permissions.get_annotation_for(request.user, parent.parent_id)
    form = ReplyForm(request.POST)
    problem = None
    if not form.is_valid():
        problem, status = "Write something before sending a reply.", 422
    elif parent.is_locked:
        problem, status = ThreadLocked.message, 400
    elif not may_post(request.user):
        problem, status = RATE_LIMITED, 429
    if problem:
        if request.htmx:
            return _render_card(
                request,
                parent,
                status=status,
                reply_error=problem,
                reply_text=request.POST.get("body", ""),
            )
        messages.error(request, problem)
        return _back_to(parent)
    private = form.cleaned_data["private"] and permissions.is_teacher(
        request.user, parent.assignment.classroom_id
    )
    reply_create(
        parent=parent, author=request.user, body=form.cleaned_data["body"], private=private
    )
    if request.htmx:
        response = _render_card(request, parent)
        trigger_client_event(response, "notes-changed")  # the reading goal's checklist
        return _announce(response, "Reply added.")
    return _back_to(parent)


@login_required
def annotation_edit(request, pk):
    annotation = permissions.get_annotation_for(request.user, pk, action="write")
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
    if request.method == "POST" and form.is_valid():
        if annotation.parent_id:
            annotation.body = form.cleaned_data["body"]
            annotation.save(update_fields=["body", "updated_at"])
        else:
            visibility = form.cleaned_data["visibility"]
            annotation.visibility = previous_visibility  # changed below, with its replies
            form.save()
            annotation.change_visibility(visibility)
            tags_set(annotation, form.cleaned_data["tags"])
        thread = annotation.parent or annotation
        if request.htmx:
            return _announce(_render_card(request, thread), "Saved.")
        return _back_to(thread)
    template = "annotations/edit.html"
    if request.htmx:
        template += "#edit-form"
    response = render(
        request,
        template,
        {"annotation": annotation, "form": form},
        status=422 if form.is_bound else 200,
    )
    if request.htmx and form.is_bound:
        # Errors go back into the card's edit area, not over the card.
        response = reswap(retarget(response, f"#annotation-{annotation.pk}-extra"), "innerHTML")
    return response


@login_required
@require_POST
def annotation_delete(request, pk):
    annotation = permissions.get_annotation_for(request.user, pk, action="write")
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
    annotation = permissions.get_annotation_for(request.user, pk)
    if annotation.author_id == request.user.pk:
        return HttpResponse("You cannot mark your own annotation as helpful.", status=400)
    try:
        marked = helpful_toggle(annotation=annotation, user=request.user)
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
    source = permissions.get_annotation_for(request.user, pk)
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
    annotation = permissions.get_annotation_for(request.user, pk)
    thread = annotation.parent or annotation
    if annotation.author_id == request.user.pk:
        return HttpResponse("You cannot flag your own annotation.", status=400)
    form = FlagForm(request.POST or None, auto_id=f"flag-{pk}-%s")
    limited = False
    if request.method == "POST" and form.is_valid():
        try:
            flag_create(annotation=annotation, reporter=request.user, **form.cleaned_data)
        except RateLimited as error:
            form.add_error(None, error.message)
            limited = True
    if request.method == "POST" and form.is_valid() and not limited:
        if request.htmx:
            return _announce(_render_card(request, thread), "Flagged for your teacher. Thank you.")
        messages.success(request, "Flagged for your teacher. Thank you.")
        return _back_to(thread)
    response = render(
        request,
        "annotations/flag.html" + ("#flag-form" if request.htmx else ""),
        {"annotation": annotation, "thread": thread, "form": form},
        status=429 if limited else 422 if form.is_bound else 200,
    )
    if request.htmx and form.is_bound:
        response = reswap(retarget(response, f"#annotation-{thread.pk}-extra"), "innerHTML")
    return response


# --- moderation ---------------------------------------------------------------------

ACTIVITY_LIMIT = 30
AUDIT_LIMIT = 50
ROW_RELATED = ["author", "passage", "assignment__comparison", "parent", "hidden_by"]


@login_required
def moderation(request, pk):
    """One class's moderation page: open flags, the latest activity, and the audit trail."""
    classroom = permissions.get_classroom_for(request.user, pk, action="moderate")
    # Private notes stay private, even from teachers: the queue shows what teachers may see.
    rows = (
        Annotation.objects.filter(assignment__classroom=classroom)
        .filter(visibility_condition(request.user, is_teacher=True))
        .select_related(*ROW_RELATED)
    )
    open_flags = Flag.objects.filter(state=Flag.State.OPEN).select_related("reporter")
    flagged = (
        rows.filter(flags__state=Flag.State.OPEN)
        .distinct()
        .prefetch_related(Prefetch("flags", queryset=open_flags, to_attr="open_flag_list"))
        .order_by("-created_at")
    )
    latest = rows.order_by("-created_at")[:ACTIVITY_LIMIT]
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
        },
    )


@login_required
@require_POST
def moderate(request, pk):
    annotation = permissions.get_annotation_for(request.user, pk, action="moderate")
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
    record = annotation_moderate(
        annotation=annotation,
        actor=request.user,
        action=form.cleaned_data["action"],
        reason=form.cleaned_data["reason"],
    )
    note = f"{record.get_action_display()}."
    if request.htmx:
        fresh = Annotation.objects.filter(pk=pk).select_related(*ROW_RELATED).first()
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
            "item": annotation,
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
    changed, in four queries: the session, the user (checked as Django's auth checks every
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
    assignment, is_teacher, gated = access
    now = Annotation.objects.activity_fingerprint(
        assignment, request.user, is_teacher=is_teacher, gated=gated
    )
    etag = now.etag
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
        response["ETag"] = etag
        return response
    held = live.Fingerprint.parse(request.headers.get("If-None-Match"))
    response = _render_delta(request, assignment, held, now)
    if response is None:
        # The fingerprint just computed is the one the page gets: no second query.
        response = _render_panel(
            request, assignment, region="annotation-live", live=True, etag=etag
        )
    response["ETag"] = etag
    response["Cache-Control"] = "no-store"
    return response


def _render_delta(request, assignment, held, now):
    """The cards changed since `held` as an update list for live.js to merge, with fresh
    counts and the new fingerprint; None when the whole list must be sent instead: filters
    in use, a think-first gate, or a change a delta cannot account for (annotations.live).
    Only rows the viewer may see, or could see until a teacher hid them, take part."""
    since = live.delta_since(held, now)
    if since is None or _panel_query(request):
        return None
    is_teacher = now.role == permissions.TEACHER
    changed = list(
        Annotation.objects.changed_since(
            assignment, request.user, is_teacher=is_teacher, since=since, above_pk=held.max_pk
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
    room = max(PANEL_FULL_CARDS - len(shown_in_full), 0)
    context = _updates_context(
        request,
        assignment,
        refresh,
        in_full=shown_in_full | set(refresh[:room]),
        is_teacher=is_teacher,
        gated=False,
    )
    context["etag"] = now.etag
    return render(request, "annotations/_panel.html#annotation-delta", context)


def _updates_context(request, assignment, refresh, *, in_full, is_teacher, gated=None):
    """The cards `refresh` (top-level ids) for the panel's update list: those still
    visible as cards (in full when in `in_full`, a prompt or pinned; otherwise collapsed), the
    others to remove; and the unfiltered counts. `refresh` names only cards the viewer may
    see or could see before a teacher hid them (see Annotation.objects.changed_since)."""
    user = request.user
    visible, cards_visible = _visible_and_cards(
        user, assignment, is_teacher=is_teacher, gated=gated
    )
    entries = list(cards_visible.filter(pk__in=refresh).for_panel_entries())
    text = reading_for(assignment.comparison)
    _in_panel_order(entries, text.numbers)
    cards = _panel_cards(
        user,
        visible,
        entries,
        [e["pk"] for e in entries if e["pk"] in in_full or e["is_prompt"] or e["is_pinned"]],
        text.numbers,
        text.colours,
        _teacher_ids(assignment),
    )
    shown = {card.pk for card in cards}
    subjects, dimensions = text.layout["subjects"], text.dimensions
    counts = cards_visible.facet_counts(subjects=subjects, dimensions=dimensions)
    return {
        "assignment": assignment,
        "live": True,
        "filters": {},
        "facets": _facets(counts, subjects, dimensions, {}),
        "total": sum(counts["kind"].values()),
        "updated_in_full": [card for card in cards if not getattr(card, "collapsed", False)],
        "updated_collapsed": _joined(c for c in cards if getattr(c, "collapsed", False)),
        "removed": [pk for pk in refresh if pk not in shown],
        "poll_query": "",
        "is_teacher": is_teacher,
    }
