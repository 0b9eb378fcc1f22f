"""The annotation panel of the reading page, shaped for its templates.

The page sends the text, the panel's first page (a dozen cards in full, the rest of the page
collapsed to one line), the counts and the forms. Further cards come a page at a time
(`page_entries`: keyset pagination on the panel's order, so a page costs the same at any
depth), and the highlights for every note from a compact anchor list (`anchors`: ids, offsets,
colours and authors, never cards). So what one request sends and renders does not grow with
the class (docs/decisions.md, "A reading page that does not grow with the class").

Every query here starts from the one visibility rule (Annotation.objects.visible_to). A card is
rendered by one function of the card and its viewer (`card_html`), so that it can be kept.
"""

import hashlib
from functools import reduce
from html import escape
from operator import or_
from types import SimpleNamespace
from urllib.parse import urlsplit

from django.db.models import Count, F, Func, IntegerField, Min, Q, Value
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe

from annotations import fragments, live, participation
from annotations.forms import AnnotationForm, FilterForm
from annotations.models import UNKNOWN_SCOPE, Annotation, Link, Tag, ViewerRule
from comparisons.reading import reading_for
from counterpoint import permissions
from counterpoint.lib import compiled
from counterpoint.models import Membership

# The panel shows this many cards in full (prompts and pinned first, then in text order); the
# rest are collapsed to one line that opens on demand (docs/decisions.md).
PANEL_FULL_CARDS = 12

# Cards per page of the panel: the first page, and each one loaded as the reader scrolls.
PAGE_SIZE = 40

# The query-string names that are not filters: the live poll's open cards, the page cursor.
NOT_FILTERS = ("open", "after", "ids")

# The panel's order (annotations.models.PANEL_ORDER) as integer keys, ascending, the same as
# live.order_key: prompts, pinned, paragraph number, start, id.
SORT_KEYS = ("k_prompt", "k_pinned", "k_number", "k_start", "pk")
NO_NUMBER, NO_START = 99999, 9999999


def visible_sets(user, assignment, *, is_teacher, gated=None, scope=UNKNOWN_SCOPE):
    """What the user may see (replies included) and, with the same rule, the top-level
    annotations alone (a simpler query, for the panel's list and counts): the think-first
    gate worked out once for both, unless the caller knows it; the reading scope (small
    groups) too, when the caller has it (the live poll does: viewer_access)."""
    if gated is None:
        gated = not is_teacher and assignment.is_gated_for(user)
    return tuple(
        Annotation.objects.visible_to(
            user,
            assignment,
            is_teacher=is_teacher,
            gated=gated,
            top_level_only=top_level_only,
            scope=scope,
        )
        for top_level_only in (False, True)
    )


def group_choices(user, assignment, is_teacher) -> list:
    """The groups a teacher may filter by; a class without groups costs no query for it."""
    if is_teacher and permissions.has_groups(user, assignment.classroom_id):
        return list(assignment.classroom.groups.order_by("pk"))
    return []


def group_view(user, assignment, is_teacher):
    """For a student of a class with groups: whose notes they see, and whether they may
    switch (counterpoint.group_views.whole_class_choice)."""
    if is_teacher or not permissions.has_groups(user, assignment.classroom_id):
        return None
    scope = permissions.reading_scope(user, assignment.classroom_id)
    return {
        "whole_class": scope is None,
        "no_group": scope == 0,
        "may_switch": assignment.classroom.students_may_see_whole_class,
    }


def panel_query(request) -> QueryDict:
    """The panel's filters alone: from the query string, or for a form posted with htmx, from
    the page it was posted from (so the panel that comes back is filtered as the reader had
    it)."""
    if request.method == "GET":
        query = request.GET.copy()
    elif request.htmx:
        query = QueryDict(urlsplit(request.htmx.current_url or "").query, mutable=True)
    else:
        query = QueryDict(mutable=True)
    for name in NOT_FILTERS:
        query.pop(name, None)
    return query


def in_panel_order(entries, numbers):
    """Sort rows of for_panel_entries into the panel's order, giving each its `order_key`
    (annotations.live.order_key), which the browser also uses to place cards."""
    for entry in entries:
        entry["order_key"] = live.order_key(
            is_prompt=entry["is_prompt"],
            is_pinned=entry["is_pinned"],
            number=numbers.get(entry["passage_id"]),
            start=entry["start"],
            pk=entry["pk"],
        )
    entries.sort(key=lambda entry: entry["order_key"])


def _sort_keys(numbers):
    """The panel's order as integer expressions. Each is one SQL template around a single
    column: a Case of When()s was resolved (copied and checked) afresh for every request, and
    with a When per passage that cost more than the query took to run."""
    # Paragraph numbers come from the kept text: a CASE over its few hundred passages is
    # cheaper than joining sections and passages for every row. The values are the text's
    # integer ids and numbers, so the SQL is built from int()s alone.
    whens = " ".join(f"WHEN {int(pk)} THEN {int(n)}" for pk, n in numbers.items())
    number = f"CASE %(expressions)s {whens} ELSE {NO_NUMBER} END" if whens else None
    return {
        "k_prompt": _integer("is_prompt", "CASE WHEN %(expressions)s THEN 0 ELSE 1 END"),
        "k_pinned": _integer("is_pinned", "CASE WHEN %(expressions)s THEN 0 ELSE 1 END"),
        "k_number": _integer("passage_id", number) if number else Value(NO_NUMBER),
        "k_start": Coalesce("start", Value(NO_START)),
    }


def _integer(column, template):
    return Func(F(column), template=template, output_field=IntegerField())


def _after(key: tuple) -> Q:
    """Rows after `key` in the panel's order: (a > x) or (a = x and b > y) or ..."""
    conditions, equal = [], Q()
    for name, value in zip(SORT_KEYS, key, strict=True):
        conditions.append(equal & Q(**{f"{name}__gt": value}))
        equal &= Q(**{name: value})
    return reduce(or_, conditions)


def page_entries(cards, numbers, *, after=None, limit=PAGE_SIZE):
    """One page of the panel: rows of for_panel_entries for the first `limit` of `cards`
    (top-level annotations, already visible and filtered) after the cursor `after` (an order
    key, live.parse_order_key), in panel order; and whether more follow. Two queries: the
    page's ids (a top-N of the assignment's rows, found by sort keys), then their rows."""
    ranked = cards.annotate(**_sort_keys(numbers))
    if after is not None:
        ranked = ranked.filter(_after(after))
    ids = list(ranked.order_by(*SORT_KEYS).values_list("pk", flat=True)[: limit + 1])
    more = len(ids) > limit
    entries = list(Annotation.objects.filter(pk__in=ids[:limit]).for_panel_entries())
    in_panel_order(entries, numbers)
    return entries, more


def anchors(cards, colours) -> dict:
    """The highlights of `cards` (top-level annotations, already visible and filtered) for
    the whole text, in one query: {"authors": {id: name}, "anchors": [[id, passage, start,
    end, colour, author id], ...]}. Only notes placed in the text: orphans and deleted stubs
    have no highlight."""
    rows = (
        cards.filter(is_orphaned=False, is_deleted=False, start__isnull=False)
        .exclude(passage=None)
        .annotate(subject_count=Count("subjects", distinct=True), first_subject=Min("subjects"))
        .order_by()
        .values_list(
            "pk",
            "passage_id",
            "start",
            "end",
            "subject_count",
            "first_subject",
            "author_id",
            "author__display_name",
        )
    )
    authors, marks = {}, []
    for pk, passage_id, start, end, count, first, author_id, name in rows:
        authors[author_id] = name
        marks.append([pk, passage_id, start, end, _colour(count, first, colours), author_id])
    return {"authors": authors, "anchors": marks}


def _colour(subject_count, first_subject, colours):
    if subject_count == 1:
        return colours.get(first_subject, "none")
    return "multi" if subject_count else "none"


def cards_with_threads(user, ids, rule, subjects) -> list:
    """The top-level annotations with these `ids` (ones the viewer may see) for the panel,
    in no particular order (the caller has the panel's), each with its subjects (rows of the
    comparison's `subjects`), its tag names, and the replies and links that are among those
    the viewer may see (`rule`, a ViewerRule): five queries however many cards (six when
    some have links). Read as plain rows where Django's prefetching would build a manager
    and a queryset per card; the queries of the rule are compiled once per shape
    (counterpoint.lib.compiled)."""
    cards = Annotation.objects.panel_cards_of(sorted(ids), user) if ids else []
    if not cards:
        return []
    by_pk = {card.pk: card for card in cards}
    ids = list(by_pk)
    by_subject = {subject.pk: subject for subject in subjects}
    for card in cards:
        card.subject_list, card.tag_names, card.visible_replies = [], [], []
        card.visible_links_out, card.visible_links_in = [], []
    pairs = Annotation.subjects.through.objects.filter(annotation_id__in=ids)
    for annotation_id, subject_id in pairs.values_list("annotation_id", "subject_id"):
        if subject_id in by_subject:
            by_pk[annotation_id].subject_list.append(by_subject[subject_id])
    for card in cards:
        card.subject_list.sort(key=lambda subject: (subject.order, subject.pk))
    for annotation_id, name in Tag.objects.filter(annotation_id__in=ids).values_list(
        "annotation_id", "name"
    ):
        by_pk[annotation_id].tag_names.append(name)
    for reply in rule.replies_of(ids):
        by_pk[reply.parent_id].visible_replies.append(reply)
    links = Link.objects.touching(ids)
    if links:
        # A link is shown on a card when the note at its other end is one the viewer may see.
        seen = rule.among({pk for link in links for pk in (link.source_id, link.target_id)})
        for link in links:
            if link.source_id in by_pk and link.target_id in seen:
                by_pk[link.source_id].visible_links_out.append(link)
            if link.target_id in by_pk and link.source_id in seen:
                by_pk[link.target_id].visible_links_in.append(link)
    return cards


def panel_cards(request, assignment, rule, entries, in_full, text, teacher_ids):
    """The cards for panel `entries` (rows of for_panel_entries, in panel order, that the
    viewer may see by `rule`): those in `in_full` loaded and rendered in full (card_html),
    the rest collapsed. Each carries its `order_key`, for the browser to place it."""
    user = request.user
    wanted = set(in_full)
    full = {
        card.pk: card
        for card in cards_with_threads(
            user, [e["pk"] for e in entries if e["pk"] in wanted], rule, text.layout["subjects"]
        )
    }
    is_teacher = user.pk in teacher_ids
    card_url = reverse("annotations:card", args=[0]).replace("/0/", "/{}/")
    cards, rendered = [], []
    for entry in entries:
        card = full.get(entry["pk"])
        if card is None:
            card = collapsed(entry, text.numbers, text.colours, card_url)
        else:
            decorate(card, text.numbers, text.colours, teacher_ids)
            rendered.append(card)
        card.order_key = entry["order_key"]
        cards.append(card)
    # Full cards come from the shared cache of rendered cards where a classmate with the
    # same view of them has had them already (annotations.fragments).
    htmls = fragments.cards_html(request, rendered, assignment=assignment, is_teacher=is_teacher)
    for card, html in zip(rendered, htmls, strict=True):
        card.html = mark_safe(html)  # noqa: S308 - rendered by the card template
    return cards


def card_html(request, card, *, assignment, is_teacher, reply_error=None, reply_text=""):
    """One card in full (annotations/_card.html) for the viewer of `request`: the one place a
    full card is rendered, for the page, its pages, the live updates and the card's own
    actions."""
    return mark_safe(  # noqa: S308 - rendered by the card template
        fragments.card_html(
            request,
            card,
            assignment=assignment,
            is_teacher=is_teacher,
            reply_error=reply_error,
            reply_text=reply_text,
        )
    )


def joined(cards):
    """The list items of `cards` as one string: a template loop over hundreds of collapsed
    cards cost as much as building them."""
    return mark_safe(  # noqa: S308 - each card built from escaped values or a template
        "".join(f'<li data-order="{card.order_key}">{card.html}</li>' for card in cards)
    )


def collapsed(entry, numbers, colours, card_url):
    """A collapsed card: one line (author, paragraph, quote) with the data its highlight needs
    (the same attributes as a full card, templates/annotations/_card.html, kept in step by
    tests/annotations/test_collapsed_cards.py), opening in full when focused or clicked.
    Built here rather than in a template: a page has dozens of these, and an included
    template costs ten to thirty times as much per card. Every value from the database goes
    through html.escape."""
    colour = _colour(entry["subject_count"], entry["first_subject"], colours)
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


def teacher_ids(assignment) -> set[int]:
    """The ids of the class's teachers (Classroom.teachers), by a query compiled once
    (counterpoint.lib.compiled): every card that marks a teacher's note asks it."""

    def build(*, classroom):
        return Membership.objects.filter(
            classroom_id=classroom, role=Membership.Role.TEACHER
        ).values_list("user_id")

    return {
        pk for (pk,) in compiled.rows(("teacher_ids",), build, classroom=assignment.classroom_id)
    }


def gate_notice(request, assignment, teachers):
    """For a student still thinking first: what they must do before seeing classmates'."""
    if request.user.pk in teachers or not assignment.is_gated_for(request.user):
        return None
    # In a class with groups, what opens is the group's notes (visibility_condition).
    scope = permissions.reading_scope(request.user, assignment.classroom_id)
    whose = "your classmates'" if scope is None else "your group's"
    if assignment.reveal_at and assignment.reveal_at > timezone.now():
        when = date_format(timezone.localtime(assignment.reveal_at), "j M, H:i")
        return f"Think first: {whose} annotations appear on {when}."
    return (
        f"Think first: post {assignment.reveal_after_posts} annotations of your own to see {whose}."
    )


def decorate(card, numbers, colours, teachers):
    """Attach what the card template shows, computed from prefetched rows."""
    subjects = card.subject_list  # set by cards_with_threads
    card.colour = (
        colours.get(subjects[0].pk, "none")
        if len(subjects) == 1
        else ("multi" if subjects else "none")
    )
    card.number = numbers.get(card.passage_id)
    card.by_teacher = card.author_id in teachers
    for reply in card.visible_replies:
        reply.by_teacher = reply.author_id in teachers
    card.link_list = [(link, link.target) for link in card.visible_links_out] + [
        (link, link.source) for link in card.visible_links_in
    ]


def facets(counts, subjects, dimensions, current):
    """Counts per filter value, as (label, query string, count, active) chips; `current`
    are the filters in use."""
    groups = [
        ("Kind", "kind", [(k, label) for k, label in Annotation.Kind.choices]),
        ("Subject", "subject", [(s.pk, s.name) for s in subjects]),
        ("Dimension", "dimension", [(d.pk, d.name) for d in dimensions]),
    ]
    chips_by_group = []
    for title, field, options in groups:
        chips = [
            (label, f"{field}={value}", counts[field].get(value, 0), current.get(field) == value)
            for value, label in options
        ]
        chips_by_group.append((title, field, chips))
    return chips_by_group


def _filters(request, text, rows, groups=()):
    """The filter form (its author choices: everyone with a card the viewer may see, given
    as (id, display name) `rows`; a teacher's group choices) and the valid filters in use."""
    query = panel_query(request)
    authors = sorted(
        (SimpleNamespace(pk=pk, display_name=name) for pk, name in rows),
        key=lambda author: (author.display_name.casefold(), author.pk),
    )
    form = FilterForm(
        query or None,
        subjects=text.layout["subjects"],
        dimensions=text.dimensions,
        authors=authors,
        groups=groups,
        auto_id="filter-%s",  # the annotate form beside it has a dimension field too
    )
    return query, form, (form.filters() if query else {})


def _page_links(assignment, query, entries, more):
    """The "Load more" form's fields and the page endpoint's URL for the next page, or
    (None, None) on the last page."""
    if not more or not entries:
        return None, None
    following = query.copy()
    following["after"] = entries[-1]["order_key"]
    url = reverse("annotations:page", args=[assignment.pk]) + "?" + following.urlencode()
    return url, list(following.items())


def panel_context(request, assignment, text, *, annotate_form=None, etag=None):
    """Everything the annotation panel shows, in a fixed number of queries, beside `text`
    (the comparison's kept text, comparisons.reading): the first page of cards (or, without
    JavaScript, the page after `?after=`), the counts and the forms."""
    user = request.user
    is_teacher = permissions.is_teacher(user, assignment.classroom_id)
    gated = not is_teacher and assignment.is_gated_for(user)
    visible, cards_visible = visible_sets(user, assignment, is_teacher=is_teacher, gated=gated)
    subjects, dimensions = text.layout["subjects"], text.dimensions
    # The counts and the filter's authors in one pass over the visible cards (grouped by
    # author), not a DISTINCT of the authors beside an aggregate: one query less to build.
    counts, authors = cards_visible.facet_counts_and_authors(
        subjects=subjects, dimensions=dimensions
    )
    query, filter_form, filters = _filters(
        request, text, authors, group_choices(user, assignment, is_teacher)
    )
    shown = cards_visible.filtered(filters, user, visible=visible) if filters else cards_visible
    after = live.parse_order_key(request.GET.get("after")) if request.method == "GET" else None
    entries, more = page_entries(shown, text.numbers, after=after)
    teachers = teacher_ids(assignment)
    in_full = [] if after else [e["pk"] for e in entries[:PANEL_FULL_CARDS]]
    rule = ViewerRule.for_viewer(user, assignment, is_teacher=is_teacher, gated=gated)
    cards = panel_cards(request, assignment, rule, entries, in_full, text, teachers)
    total = sum(counts["kind"].values())
    more_url, more_fields = _page_links(assignment, query, entries, more)
    annotate_form = annotate_form or AnnotationForm(
        comparison=text.comparison, is_teacher=user.pk in teachers
    )
    return {
        "assignment": assignment,
        "cards": cards,
        "card_items": joined(cards),
        "filters": filters,
        "filter_form": filter_form,
        "filter_fields": blank_form_html(text, filter_form, "filter-fields"),
        "annotate_fields": blank_form_html(text, annotate_form, "annotate-fields"),
        "facets": facets(counts, subjects, dimensions, filters),
        "total": total,
        # Counted only when filtered: unfiltered, every card the viewer may see is counted.
        "shown_count": shown.count() if filters else total,
        "more_url": more_url,
        "more_fields": more_fields,
        "page_start": after is not None,
        "annotate_form": annotate_form,
        "etag": etag
        or Annotation.objects.activity_fingerprint(
            assignment, user, is_teacher=is_teacher, gated=gated
        ).etag,
        "poll_query": query.urlencode(),
        "is_teacher": user.pk in teachers,
        "gate_notice": gate_notice(request, assignment, teachers),
        "group_view": group_view(user, assignment, is_teacher),
        # The student's own checklist against the reading goal (one query with no goal),
        # loaded only where a template shows it: the full page, never the panel's polls.
        "goal_progress": None
        if user.pk in teachers
        else SimpleLazyObject(lambda: participation.progress_for_student(assignment, user)),
    }


def blank_form_html(text, form, partial):
    """The fields of a blank (unbound) `form` as the panel's `partial` renders them, kept
    with the text's version (comparisons.reading): widgets render through templates of their
    own, and these forms were a large share of the reading page's time. Their choices (the
    text's subjects and dimensions, a teacher's extra field, the authors the viewer may see)
    are part of the name they are kept under. None for a bound form: it shows what was typed
    and its errors, so it is rendered with the page."""
    if form.is_bound:
        return None
    # Only choices given as lists: a queryset's (a hidden id field's) are not shown.
    choices = [
        (name, [(str(value), str(label)) for value, label in field.choices])
        for name, field in form.fields.items()
        if isinstance(getattr(field, "choices", None), list | tuple)
    ]
    fields = [(name, type(field).__name__, field.label) for name, field in form.fields.items()]
    name = f"{partial}:" + hashlib.sha256(repr((fields, choices)).encode()).hexdigest()
    return mark_safe(  # noqa: S308 - rendered by the panel template
        text.fragment(
            name,
            lambda: render_to_string(
                f"annotations/_panel.html#{partial}",
                {"annotate_form": form, "filter_form": form},
            ),
        )
    )


def page_context(request, assignment, text):
    """One further page of the panel (`?after=<order key>` and the filters), or the cards
    named by `?ids=` (a highlight clicked before its card was loaded), in full."""
    user = request.user
    is_teacher = permissions.is_teacher(user, assignment.classroom_id)
    visible, cards_visible = visible_sets(user, assignment, is_teacher=is_teacher)
    teachers = teacher_ids(assignment)
    ids = sorted(live.open_card_ids(request.GET.get("ids")))[:PAGE_SIZE]
    if ids:
        entries = list(cards_visible.filter(pk__in=ids).for_panel_entries())
        in_panel_order(entries, text.numbers)
        more_url = more_fields = None
        in_full = [e["pk"] for e in entries]
    else:
        query = panel_query(request)
        shown = _asked(
            request, query, text, cards_visible, visible, _asked_groups(request, assignment, query)
        )
        after = live.parse_order_key(request.GET.get("after"))
        entries, more = page_entries(shown, text.numbers, after=after)
        more_url, more_fields = _page_links(assignment, query, entries, more)
        in_full = []
    rule = ViewerRule.for_viewer(user, assignment, is_teacher=is_teacher)
    cards = panel_cards(request, assignment, rule, entries, in_full, text, teachers)
    return {
        "assignment": assignment,
        "card_items": joined(cards),
        "more_url": more_url,
        "more_fields": more_fields,
        "is_teacher": user.pk in teachers,
    }


def _asked_groups(request, assignment, query) -> list:
    """The group choices, looked up only when a group is asked for."""
    if "group" not in query:
        return []
    is_teacher = permissions.is_teacher(request.user, assignment.classroom_id)
    return group_choices(request.user, assignment, is_teacher)


def _asked(request, query, text, cards_visible, visible, groups=()):
    """The cards of `cards_visible` that the filters in `query` ask for. The author choices
    are only the ids asked for: filtering a visible set by author shows nothing the viewer
    may not see, and spares a query for everyone's names."""
    if not query:
        return cards_visible
    asked = [SimpleNamespace(pk=value, display_name="") for value in query.getlist("author")]
    filters = FilterForm(
        query,
        subjects=text.layout["subjects"],
        dimensions=text.dimensions,
        authors=asked,
        groups=groups,
    ).filters()
    if not filters:
        return cards_visible
    return cards_visible.filtered(filters, request.user, visible=visible)


def anchors_for(request, assignment, text) -> dict:
    """The anchor list (`anchors`) of what the viewer may see, with the panel's filters."""
    is_teacher = permissions.is_teacher(request.user, assignment.classroom_id)
    visible, cards_visible = visible_sets(request.user, assignment, is_teacher=is_teacher)
    query = panel_query(request)
    shown = _asked(
        request, query, text, cards_visible, visible, _asked_groups(request, assignment, query)
    )
    return anchors(shown, text.colours)


def updates_context(
    request, assignment, refresh, *, in_full, is_teacher, gated=None, scope=UNKNOWN_SCOPE
):
    """The cards `refresh` (top-level ids) for the panel's update list: those still
    visible as cards (in full when in `in_full`, a prompt or pinned; otherwise collapsed), the
    others to remove; and the unfiltered counts. `refresh` names only cards the viewer may
    see or could see before a teacher hid them (see Annotation.objects.changed_since)."""
    user = request.user
    if gated is None:
        gated = not is_teacher and assignment.is_gated_for(user)
    if scope is UNKNOWN_SCOPE:
        scope = None if is_teacher else permissions.reading_scope(user, assignment.classroom_id)
    rule = ViewerRule.for_viewer(user, assignment, is_teacher=is_teacher, gated=gated, scope=scope)
    entries = rule.entries(refresh)
    text = reading_for(assignment.comparison)
    in_panel_order(entries, text.numbers)
    cards = panel_cards(
        request,
        assignment,
        rule,
        entries,
        [e["pk"] for e in entries if e["pk"] in in_full or e["is_prompt"] or e["is_pinned"]],
        text,
        teacher_ids(assignment),
    )
    shown = {card.pk for card in cards}
    subjects, dimensions = text.layout["subjects"], text.dimensions
    counts = Annotation.objects.visible_facet_counts(
        assignment,
        user,
        is_teacher=is_teacher,
        gated=gated,
        scope=scope,
        subjects=subjects,
        dimensions=dimensions,
    )
    total = sum(counts["kind"].values())
    return {
        "assignment": assignment,
        "live": True,
        "filters": {},
        "facets": facets(counts, subjects, dimensions, {}),
        "total": total,
        "shown_count": total,
        "cards": cards,
        "updated_items": joined(cards),
        "removed": [pk for pk in refresh if pk not in shown],
        "poll_query": "",
        "is_teacher": is_teacher,
    }
