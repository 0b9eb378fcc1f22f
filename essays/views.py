from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.views.decorators.http import require_POST
from django_htmx.http import (
    HttpResponseClientRedirect,
    reswap,
    retarget,
    trigger_client_event,
)

from counterpoint import permissions
from counterpoint.lib.errors import Forbidden, NotAllowed, VersionConflict
from counterpoint.lib.ordering import moved, save_order
from counterpoint.lib.ratelimit import RateLimited
from counterpoint.lib.safejson import parse_id, parse_number
from counterpoint.models import User
from essays import anchored, builder, feedback, signals, tray
from essays.access import get_outline_for
from essays.builder.frames import BECAUSE_BUT_SO, KIND_LABELS, significance_frame
from essays.dashboard import best_work, students_of
from essays.downloads import download
from essays.forms import (
    BuilderForm,
    CommentForm,
    CommentReplyForm,
    ConfirmForm,
    DecideForm,
    ExtensionForm,
    FieldSaveForm,
    OutlineActionForm,
    OverallForm,
    ReleaseForm,
    ScoreForm,
    SubmitForm,
    first_error,
)
from essays.models import (
    BankComment,
    DueDates,
    Evidence,
    Extension,
    FeedbackComment,
    InvalidTransition,
    Outline,
    OutlineSection,
    Review,
    Rubric,
    lateness,
    max_points,
)
from essays.revisions import diff
from essays.services import (
    JUDGEMENT_SENTENCE_MAX,
    as_draft,
    builder_material,
    evidence_add,
    example_for,
    judgement_update,
    judgements_apply,
    judgements_complete,
    make_selection,
    material_for,
    open_checks,
    outline_build,
    outline_edit,
    sections_save,
    selection_for,
)
from essays.templatetags.essays_text import shorten

# --- the builder -------------------------------------------------------------------


# The tray lists at most this many annotations unless the student asks for all: their own and
# those already chosen, then classmates' in text order. Rendering a whole class's notes makes
# the page slow (docs/decisions.md, "Measurements behind the essays code"); the filters
# narrow the rest.
TRAY_LIMIT = 60


def _shortlist(annotations, user, chosen):
    """At most TRAY_LIMIT of `annotations` in text order: every chosen one, then the
    student's own, then classmates'."""
    me = user.pk  # once: request.user is a lazy object, each attribute read a detour
    chosen_ones = [a.pk for a in annotations if a.key in chosen]
    own = [a.pk for a in annotations if a.author_id == me and a.key not in chosen]
    others = [a.pk for a in annotations if a.author_id != me and a.key not in chosen]
    shown = set(chosen_ones)
    for pk in own + others:
        if len(shown) >= TRAY_LIMIT:
            break
        shown.add(pk)
    return [a for a in annotations if a.pk in shown]


def _tray(material, user, filters, chosen=frozenset()):
    """Tray cards: comparison links first (ready-made pairs), then annotations, filtered,
    and shortlisted unless filters["all"]. Returns (links, annotations, how many matched)."""
    subject = filters.get("subject")
    dimension = filters.get("dimension")
    kind = filters.get("kind")

    def keep(annotation):
        if subject and subject not in {str(s.pk) for s in annotation.subject_list}:
            return False
        if dimension and str(annotation.dimension_id) != dimension:
            return False
        return not (kind and annotation.kind != kind)

    annotations = [a for a in material.annotations if keep(a)]
    links = [link for link in material.links if keep(link.source) or keep(link.target)]
    for annotation in annotations:
        annotation.key = f"annotation:{annotation.pk}"
    matched = len(annotations)
    if not filters.get("all") and matched > TRAY_LIMIT:
        annotations = _shortlist(annotations, user, chosen)
    me = user.pk
    for annotation in annotations:
        annotation.citation = material.citation_for(annotation.passage_id)
        annotation.mine = annotation.author_id == me
    for link in links:
        link.key = f"link:{link.pk}"
    return links, annotations, matched


def _builder_context(request, assignment, material, choices, filters):
    selection = make_selection(material, **choices)
    draft = builder.build(selection)
    chosen = set(choices["evidence_keys"])
    links, annotations, matched = _tray(material, request.user, filters, chosen)
    reading_url = reverse("comparisons:read", args=[assignment.pk])
    tray.decorate(annotations, chosen=chosen, reading_url=reading_url)
    visible_keys = {f"link:{link.pk}" for link in links} | {
        f"annotation:{a.pk}" for a in annotations
    }
    return {
        "assignment": assignment,
        "comparison": material.comparison,
        "material": material,
        "subjects": material.subjects,
        "matrix": material.layout["matrix"],
        "choices": choices,
        "chosen_evidence": chosen,
        "hidden_chosen": sorted(chosen - visible_keys),
        "tray_links": links,
        "tray_annotations": annotations,
        "tray_matched": matched,
        # The student's private notes: chosen as evidence, their words reach the teacher.
        "private_keys": {f"annotation:{a.pk}" for a in material.annotations if a.is_private},
        "filters": filters,
        "draft": draft,
        "structures": Outline.Structure.choices,
        "stances": Outline.Stance.choices,
        "my_outlines": Outline.objects.filter(assignment=assignment, author=request.user),
        "reading_url": reading_url,
    }


@login_required
def builder_page(request, pk):
    assignment = permissions.get_assignment_for(request.user, pk)
    form = BuilderForm(request.POST if request.method == "POST" else request.GET)
    creating = request.method == "POST" and form.creating
    # Creating an outline reads only the evidence ticked; the page shows the whole tray.
    keys = form.evidence_keys if creating else None
    material = builder_material(assignment, request.user, keys=keys)
    choices = form.choices(material)
    status = 200
    if creating:
        try:
            outline = outline_build(
                material=material, assignment=assignment, author=request.user, **choices
            )
        except RateLimited as error:
            messages.error(request, error.message)
            status = 429
            material = builder_material(assignment, request.user)
        else:
            messages.success(request, "Your outline is ready to edit.")
            return redirect("essays:outline", pk=outline.pk)
    context = _builder_context(request, assignment, material, choices, form.filters())
    template = "essays/builder.html"
    if request.htmx and request.htmx.target in {"builder-preview", "evidence-tray"}:
        template += f"#{request.htmx.target}"
        response = render(request, template, context)
        if request.htmx.target == "builder-preview":
            trigger_client_event(response, "announce", {"message": "Outline preview updated."})
        return response
    return render(request, template, context, status=status)


# --- the outline editor ------------------------------------------------------------


def _editor_context(request, outline):
    """Everything the outline page shows. `outline` comes from `Outline.objects.for_page()`."""
    is_author = outline.author_id == request.user.pk
    can_edit = outline.is_editable and permissions.can_write(request.user, outline)
    # The author's notes for the "Add evidence" menus only for an editor.
    material = material_for(outline, menu=_menu_rows(outline) if can_edit else 0)
    unused = _unused_evidence(outline, material) if can_edit else []
    sections = list(outline.sections.all())
    review = getattr(outline, "review", None)
    released = feedback.feedback_released(outline, review)
    # The teacher's comments and scores show only to the author, once released.
    shown_feedback = released and is_author
    comment_rows = list(outline.comments.all()) if shown_feedback else []
    comments = _student_comments(comment_rows)
    reading_url = reverse("comparisons:read", args=[outline.assignment_id])
    # The author sees where the teacher's comments sit in their words once feedback is out.
    anchored.mark_up(outline, sections, comment_rows, reading_url=reading_url, only_marked=True)
    frames_on = outline.assignment.scaffolding != "off"
    # The moves a card offers: every section, its own selected (the same list on each card).
    section_choices = [(s.pk, s.heading) for s in sections]
    for section in sections:
        section.comment_list = comments.get(section.key, [])
        section.cited = anchored.citations(section.paragraph)
        section.f_claim = f"section-{section.pk}-claim"  # the autosave field names
        section.f_reasoning = f"section-{section.pk}-reasoning"
        # The topic-sentence frames beside the claim; the reasoning frame and because/but/so
        # beside the reasoning.
        frames = list(section.frames or [])
        section.claim_frames = [f for f in frames if f != builder.REASONING_FRAME]
        section.reasoning_frames = (
            [builder.REASONING_FRAME, *BECAUSE_BUT_SO]
            if frames_on and section.role == "body"
            else []
        )
        for item in section.evidence.all():
            item.f_commentary = f"evidence-{item.pk}-commentary"
            item.f_relation = f"evidence-{item.pk}-relation"
            item.f_form = f"evidence-{item.pk}-form"
        if can_edit and section.evidence.all():
            section.move_options = _options(section_choices, section.pk)
    scaffold = outline.scaffold or {}
    question = scaffold.get("question") or outline.assignment.essay_prompt
    rows = _judgement_rows(outline, material)
    example, refusal = _example(outline) if request.GET.get("example") else ("", "")
    return {
        **_status_context(outline, material, sections),
        "assignment": outline.assignment,
        "sections": sections,
        "judgement_rows": rows,
        "relation_options": [("", "Not chosen yet"), *Evidence.Relation.choices],
        "reasoning_frames": [builder.REASONING_FRAME] if frames_on else [],
        "most_options": [(r["dimension"], r["name"]) for r in rows],
        "most_value": next((r["dimension"] for r in rows if r["most"]), None),
        "why_frames": [significance_frame(question)] if frames_on else [],
        "subject_names": _join([s.name for s in material.subjects]),
        "judgements_note": getattr(request, "judgements_note", ""),
        "thesis_help": " ".join(scaffold.get("thesis_prompts", []))
        or "Add because, but or so: give a reason that fits only these two.",
        "example": example,
        "example_refusal": refusal,
        "judged": judgements_complete(outline),
        "question": question,
        "thesis_frames": scaffold.get("thesis_frames", []),
        "thesis_prompts": scaffold.get("thesis_prompts", []),
        "examples": outline.assignment.examples,
        "unused": unused,
        # The "Add evidence" menu's options, the same in every section: rendered once.
        "unused_options": _unused_options(unused),
        "can_edit": can_edit,
        "is_author": is_author,
        "released": released,
        "reading_url": reading_url,
        "action_url": reverse("essays:action", args=[outline.pk]),
        "save_url": reverse("essays:save", args=[outline.pk]),
        "general_comments": comments.get("", []),
        "scores": _student_scores(outline) if shown_feedback else [],
        "review": review,
        "structures": Outline.Structure.choices,
    }


def _status_context(outline, material, sections):
    """The checks box (the page's `status` part, and all an autosave answers with): the
    builder's checks on the outline as it stands, problems first, each linked to its box
    with any copied words marked. `sections` are the outline's, as the page has them."""
    checks = builder.check(as_draft(outline), selection_for(outline, material))
    open_ = [c for c in checks if not c.ok]
    # Problems first, then suggestions; each links to its field and marks copied words.
    open_.sort(key=lambda c: c.level != builder.PROBLEM)
    for found in open_:
        found.href, text = _check_field(found, outline, sections)
        found.segments = _marked(text, found.spans) if found.spans and text else []
    return {
        "outline": outline,
        "checks": open_,
        "problems": sum(c.level == builder.PROBLEM for c in open_),
        "suggestions": sum(c.level != builder.PROBLEM for c in open_),
        "passed": [c for c in checks if c.ok],
    }


def _options(choices, selected):
    """<option>s for (value, label) pairs, `selected` marked: HTML built once for a list that
    the page repeats."""
    selected_mark = mark_safe(" selected")
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, selected_mark if value == selected else "", label) for value, label in choices),
    )


def _unused_options(unused):
    return format_html_join(
        "",
        '<option value="{}">{} “{}”</option>',
        ((item.key, item.citation, shorten(item.quote or item.note, 70)) for item in unused),
    )


def _judgement_rows(outline, material):
    """One row per chosen dimension for the judgement step: the student's kind and sentence,
    the frame for the kind they chose, and the field names the page posts back."""
    comparison = outline.assignment.comparison
    chosen = list((outline.selection or {}).get("dimensions", []))
    if not chosen:
        return []
    names = {d.pk: d.name for d in material.dimensions}
    subjects = [s.name for s in material.subjects]
    stored = {r.get("dimension"): r for r in outline.judgements or [] if isinstance(r, dict)}
    kinds = [k for k in builder.KINDS if comparison.successive or k not in builder.SUCCESSIVE_KINDS]
    if comparison.successive:  # change and continuity first, for subjects that followed
        kinds = [
            *builder.SUCCESSIVE_KINDS,
            *(k for k in kinds if k not in builder.SUCCESSIVE_KINDS),
        ]
    rows = []
    for dimension in chosen:
        if dimension not in names:
            continue
        row = stored.get(dimension, {})
        rows.append(
            {
                "dimension": dimension,
                "name": names[dimension],
                "kind": row.get("kind") or "",
                "sentence": row.get("sentence", ""),
                "most": bool(row.get("most_significant")),
                "frame_list": builder.judgement_frames(row.get("kind"), subjects, names[dimension])[
                    :1
                ],
                "kind_label": KIND_LABELS.get(row.get("kind"), ""),
                "options": [("", "Not chosen yet")] + [(k, KIND_LABELS[k]) for k in kinds],
                "f_kind": f"judgement-{dimension}-kind",
                "f_sentence": f"judgement-{dimension}-sentence",
            }
        )
    lead = next((r for r in stored.values() if r.get("most_significant")), None)
    why = (lead or next((r for r in stored.values() if r.get("why")), {})).get("why", "")
    for row in rows:
        row["why"] = why
    return rows


def _join(names):
    return " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else "".join(names)


def _example(outline):
    """The example thesis, or why there is none yet (the teacher's setting, no first try)."""
    try:
        return example_for(outline), ""
    except (Forbidden, NotAllowed) as refusal:
        return "", refusal.message


@login_required
def outline_example(request, pk):
    """The example thesis, when the teacher allows it, in place of the button that asked."""
    outline = _load(request, pk, action="write")
    if not request.htmx:
        return redirect(reverse("essays:outline", args=[outline.pk]) + "?example=1#example-thesis")
    example, refusal = _example(outline)
    context = {"outline": outline, "example": example, "example_refusal": refusal}
    return render(request, "essays/outline.html#example", context)


def _check_field(found, outline, sections):
    """The link for a check (the box to fix) and that box's text, for marking copied words."""
    target, _, name = found.target.partition("#")
    if target == "thesis":
        return "#thesis-input", outline.thesis
    if target.startswith("judgement:"):
        return f"#judgement-{target.partition(':')[2]}-sentence-input", ""
    for section in sections:
        if section.key == target:
            name = name or ("claim" if "claim" in found.code else "")
            if name in ("claim", "reasoning"):
                return f"#section-{section.pk}-{name}-input", getattr(section, name)
            return f"#{slugify(target)}-anchor", ""
        for item in section.evidence.all():
            if item.key == target:
                return f"#evidence-{item.pk}-commentary-input", item.commentary
    return f"#{slugify(target)}-anchor", ""


def _marked(text, spans):
    """The text cut into (words, copied?) pieces at the check's character ranges."""
    pieces, at = [], 0
    for start, end in sorted(spans):
        start, end = max(start, at), min(end, len(text))
        if start >= end:
            continue
        if start > at:
            pieces.append((text[at:start], False))
        pieces.append((text[start:end], True))
        at = end
    if at < len(text):
        pieces.append((text[at:], False))
    return pieces


# The "Add evidence" menus list at most this many: what the student chose in the builder,
# then their own notes, then classmates'. A menu of a whole class's notes is unusable and
# slow (the builder's tray offers every one).
UNUSED_LIMIT = 50


def _menu_rows(outline):
    """How many of `Material.menu` the menus can read: UNUSED_LIMIT, and one more for each
    note `_unused_evidence` may skip as already used (every piece the outline holds, and up to
    two for each key of its selection)."""
    used = sum(len(s.evidence.all()) for s in outline.sections.all())
    return UNUSED_LIMIT + used + 2 * len((outline.selection or {}).get("evidence", []))


def _unused_evidence(outline, material):
    """Evidence the outline does not use yet, for the editor's "Add evidence" menus: what the
    student chose in the builder, then their own notes, then classmates' (`Material.menu`)."""
    seen = {e.key for s in outline.sections.all() for e in s.evidence.all()}
    keys = outline.selection.get("evidence", []) + [f"annotation:{a.pk}" for a in material.menu]
    unused = []
    for key in keys:
        if len(unused) >= UNUSED_LIMIT:
            break
        for item in material.evidence_for(key):
            if item.key not in seen:
                seen.add(item.key)
                unused.append(item)
    return unused


def _student_comments(comments):
    """Comments by section key, for the author once feedback is released."""
    grouped = {}
    for comment in comments:
        grouped.setdefault(comment.section_key, []).append(comment)
    return grouped


def _student_scores(outline):
    return list(outline.scores.select_related("criterion", "level").order_by("criterion__order"))


def _load(request, pk, action="read", queryset=None):
    queryset = queryset if queryset is not None else Outline.objects.for_editor()
    return get_outline_for(request.user, pk, action=action, queryset=queryset)


@login_required
def outline_page(request, pk):
    outline = _load(request, pk, queryset=Outline.objects.for_page())
    if outline.kind == Outline.Kind.DRAFT:
        return redirect("essays:draft", pk=outline.pk)
    return render(request, "essays/outline.html", _editor_context(request, outline))


def _conflict(request, outline):
    """A save from an older version: refuse it, say so, and offer a reload."""
    response = render(
        request,
        "essays/_conflict.html",
        {"outline": outline, "current": _current_version(outline)},
        status=409,
    )
    if request.htmx:
        response = reswap(retarget(response, "#conflict"), "innerHTML")
    return response


def _current_version(outline):
    return Outline.objects.filter(pk=outline.pk).values_list("version", flat=True).first()


def _after_change(request, outline, note):
    """Answer a structural edit: the outline as it now is, announced for screen readers."""
    if not request.htmx:
        return redirect("essays:outline", pk=outline.pk)
    author = outline.author  # the request's user for the author: their roles are loaded
    outline = Outline.objects.for_page().get(pk=outline.pk)
    if outline.author_id == author.pk:
        outline.author = author
    response = render(request, "essays/outline.html#outline", _editor_context(request, outline))
    trigger_client_event(response, "announce", {"message": note})
    return response


@login_required
@require_POST
def outline_save(request, pk):
    """Autosave of one field: the thesis or title, a section's claim, reasoning or heading,
    or an evidence card's commentary, relation or form. The page's autosave script asks for
    JSON (like the draft's); htmx and plain form posts get HTML."""
    outline = _load(request, pk, action="write")
    as_json = _wants_json(request)
    if request.POST.get("field", "").startswith("judgement-"):
        return _save_judgement(request, outline, as_json=as_json)
    form = FieldSaveForm(request.POST, targets=lambda name: _field_target(outline, name))
    try:
        if not form.is_valid():
            raise NotAllowed(first_error(form))
        obj, name, _, _ = form.cleaned_data["target"]
        value = form.cleaned_data["value"]
        if name == "relation":
            value = value or None  # "" clears it: the student has not decided yet
        if obj is outline:
            edit = {name: value}
        else:
            row = {"id": obj.pk, name: value}
            edit = {"sections" if isinstance(obj, OutlineSection) else "evidence": [row]}
        outline_edit(outline=outline, version=form.cleaned_data["version"], **edit)
    except VersionConflict as conflict:
        return _save_conflict(request, outline, as_json=as_json, current=conflict.current)
    except NotAllowed as refusal:
        if as_json:
            return JsonResponse({"detail": refusal.message}, status=400)
        return HttpResponse(refusal.message, status=400)
    return _saved(request, outline, as_json=as_json)


def _saved(request, outline, *, as_json):
    """Answer an autosave with the checks box and the new version, from the outline as the
    save left it in memory (`outline_edit` sets what it writes), without loading it again."""
    if not as_json and not request.htmx:
        return redirect("essays:outline", pk=outline.pk)
    sections = list(outline.sections.all())
    context = _status_context(outline, material_for(outline), sections)
    if as_json:
        status_html = render_to_string("essays/outline.html#status", context, request)
        return JsonResponse({"version": outline.version, "status_html": status_html})
    response = render(request, "essays/outline.html#status", context)
    trigger_client_event(response, "announce", {"message": "Saved."})
    return response


def _save_conflict(request, outline, *, as_json, current):
    if as_json:
        return JsonResponse(
            {
                "detail": "This outline was changed in another tab or window, so this box "
                "was not saved. Your text is still here.",
                "version": current,
            },
            status=409,
        )
    return _conflict(request, outline)


def _save_judgement(request, outline, *, as_json):
    """One judgement field (a kind, a sentence, which area matters most, or why), checked by
    the same service the API's judgements use, saved on the version the page loaded."""
    value = request.POST.get("value", "").replace("\x00", "")
    try:
        if len(value) > JUDGEMENT_SENTENCE_MAX:
            raise NotAllowed(f"Keep it under {JUDGEMENT_SENTENCE_MAX:,} characters.")
        rows = judgement_update(outline, field=request.POST.get("field", ""), value=value)
        outline_edit(
            outline=outline,
            version=parse_number(request.POST.get("version") or ""),
            judgements=rows,
        )
    except VersionConflict as conflict:
        return _save_conflict(request, outline, as_json=as_json, current=conflict.current)
    except NotAllowed as refusal:
        if as_json:
            return JsonResponse({"detail": refusal.message}, status=400)
        return HttpResponse(refusal.message, status=400)
    return _saved(request, outline, as_json=as_json)


def _wants_json(request):
    """The autosave script sends Accept: application/json; browsers' own posts never do."""
    return request.headers.get("Accept", "").startswith("application/json")


def _field_target(outline, field):
    """field is "thesis", "title", "section-<id>-claim|reasoning|heading" or
    "evidence-<id>-commentary|relation|form"; returns (object, attribute, max length, choices)."""
    if field in ("thesis", "title"):
        return outline, field, 2000 if field == "thesis" else 200, None
    kind, _, rest = field.partition("-")
    raw_id, _, name = rest.partition("-")
    pk = parse_id(raw_id)
    if pk is None:
        return None
    if kind == "section" and name in ("claim", "reasoning", "heading"):
        section = next((s for s in outline.sections.all() if s.pk == pk), None)
        return section and (section, name, 200 if name == "heading" else 2000, None)
    if kind == "evidence" and name in ("commentary", "relation", "form"):
        evidence = next(
            (e for s in outline.sections.all() for e in s.evidence.all() if e.pk == pk),
            None,
        )
        # "" clears a relation: the student has not decided what this evidence shows.
        options = {"relation": ["", *Evidence.Relation.values], "form": Evidence.Form.values}.get(
            name
        )
        return evidence and (evidence, name, 2000, options)
    return None


@login_required
@require_POST
def outline_action(request, pk):
    """Structural edits, each a button: move or remove evidence, move sections, add evidence,
    regenerate a section, switch structure."""
    outline = _load(request, pk, action="write")
    form = OutlineActionForm(request.POST)
    if not form.is_valid():
        return HttpResponse(first_error(form), status=400)
    data = form.cleaned_data
    try:
        # The version claim and the change commit together, as the API's edits do.
        with transaction.atomic():
            outline.ensure_editable()
            outline.claim_version(data["version"])
            if data["action"] == "apply-judgements":  # its "not yet" shows on the page
                note = _apply_judgements(request, outline)
            else:
                note = ACTIONS[data["action"]](data, outline)
    except VersionConflict:
        return _conflict(request, outline)
    except NotAllowed as refusal:
        return HttpResponse(refusal.message, status=400)
    return _after_change(request, outline, note)


def _evidence_in(outline, raw_id):
    for section in outline.sections.all():
        for evidence in section.evidence.all():
            if str(evidence.pk) == str(raw_id):
                return section, evidence
    raise Http404


def _section_in(outline, raw_id):
    for section in outline.sections.all():
        if str(section.pk) == str(raw_id):
            return section
    raise Http404


def _move_evidence(data, outline):
    section, evidence = _evidence_in(outline, data["evidence"])
    target_id = data["to_section"]
    if target_id and str(target_id) != str(section.pk):
        target = _section_in(outline, target_id)
        evidence.section = target
        evidence.order = target.evidence.count()
        evidence.save(update_fields=["section", "order"])
        return f"Moved to {target.heading}."
    delta = -1 if data["direction"] == "up" else 1
    siblings = section.evidence.all()
    save_order(siblings, moved([e.pk for e in siblings], evidence.pk, delta))
    return "Moved."


def _remove_evidence(data, outline):
    _, evidence = _evidence_in(outline, data["evidence"])
    evidence.delete()
    return "Evidence removed. You can add it back from the list of unused evidence."


def _add_evidence(data, outline):
    section = _section_in(outline, data["section"])
    try:
        evidence_add(outline=outline, section=section, key=data["key"])
    except NotAllowed:
        raise Http404 from None  # not in the author's material: as if it did not exist
    return f"Evidence added to {section.heading}."


def _move_section(data, outline):
    section = _section_in(outline, data["section"])
    delta = -1 if data["direction"] == "up" else 1
    sections = outline.sections.all()
    save_order(sections, moved([s.pk for s in sections], section.pk, delta))
    return "Section moved."


def _reorder(data, outline):
    """Drag and drop: the whole order at once, sections and the evidence in each."""
    sections = {str(s.pk): s for s in outline.sections.all()}
    posted = dict(data["order"])
    section_ids = [i for i, _ in data["order"] if i in sections]
    if sorted(section_ids) != sorted(sections):
        return "The new order was incomplete, so nothing moved. Reload and try again."
    save_order(outline.sections.all(), [int(i) for i in section_ids])
    evidence = {str(e.pk): e for s in sections.values() for e in s.evidence.all()}
    changed = []
    for section_id in section_ids:
        for order, evidence_id in enumerate(posted[section_id]):
            item = evidence.get(evidence_id)
            if item and (item.section_id != int(section_id) or item.order != order):
                item.section_id, item.order = int(section_id), order
                changed.append(item)
    Evidence.objects.bulk_update(changed, ["section", "order"])
    return "New order saved."


def _regenerate(data, outline):
    section = _section_in(outline, data["section"])
    selection = selection_for(outline, material_for(outline))
    draft = builder.regenerate_section(as_draft(outline), selection, section.key)
    sections_save(outline, draft)
    return f"{section.heading} was made again from your choices."


def _restructure(data, outline):
    structure = data["structure"]
    if structure not in builder.STRUCTURES:
        raise Http404
    selection = selection_for(outline, material_for(outline), structure=structure)
    draft = builder.restructure(as_draft(outline), selection, structure)
    outline.structure = structure
    outline.thesis = draft.thesis
    outline.save(update_fields=["structure", "thesis"])
    sections_save(outline, draft)
    return f"Now {Outline.Structure(structure).label.lower()}. Your evidence notes came along."


def _apply_judgements(request, outline):
    if not judgements_complete(outline):
        request.judgements_note = (
            "Not yet: choose how they compare and write a sentence for every dimension, then pick "
            "the one that matters most and say why."
        )
        return request.judgements_note
    judgements_apply(outline)
    return "Your sections now follow your judgements. Next: your thesis."


ACTIONS = {
    "move-evidence": _move_evidence,
    "remove-evidence": _remove_evidence,
    "add-evidence": _add_evidence,
    "move-section": _move_section,
    "reorder": _reorder,
    "regenerate": _regenerate,
    "restructure": _restructure,
}


@login_required
@require_POST
def outline_delete(request, pk):
    outline = _load(request, pk, action="write")
    assignment_id = outline.assignment_id
    try:
        outline.discard()
    except NotAllowed as refusal:
        messages.error(request, refusal.message)
        return redirect("essays:outline", pk=outline.pk)
    messages.success(request, "Outline deleted.")
    return redirect("essays:builder", pk=assignment_id)


@login_required
def outline_export(request, pk, fmt):
    response = download(_load(request, pk), fmt)
    if response is None:
        raise Http404
    return response


@login_required
def outline_print(request, pk):
    outline = _load(request, pk)
    return render(
        request, "essays/print.html", {"outline": outline, "sections": outline.sections.all()}
    )


# --- submitting and revising (the student) -------------------------------------------


@login_required
@require_POST
def outline_submit(request, pk):
    """Submit (or resubmit) an outline or a draft. While its checks still find something
    open, the first press shows what is open and asks once; "Submit anyway" posts again with
    `confirm`. Works as a page without JavaScript and in place with htmx."""
    outline = _load(request, pk, action="write")
    form = SubmitForm(request.POST)
    confirmed = form.is_valid() and form.cleaned_data["confirm"]
    if outline.is_editable and not confirmed:
        still_open = open_checks(outline)
        if still_open:
            context = {
                "outline": outline,
                "assignment": outline.assignment,
                "still_open": still_open,
                "back": _work_url(outline),
            }
            template = "essays/submit_confirm.html"
            return render(request, f"{template}#confirm" if request.htmx else template, context)
    try:
        outline = feedback.outline_transition(outline=outline, action="submit")
    except InvalidTransition as refusal:
        messages.error(request, str(refusal))
    else:
        verb = "Resubmitted" if outline.status == Outline.Status.RESUBMITTED else "Submitted"
        messages.success(request, f"{verb}. Your teacher can now review it; this version is saved.")
    if request.htmx:
        return HttpResponseClientRedirect(_work_url(outline))
    return redirect(_work_url(outline))


def _work_url(outline):
    name = "essays:draft" if outline.kind == Outline.Kind.DRAFT else "essays:outline"
    return reverse(name, args=[outline.pk])


@login_required
def revisions(request, pk):
    """The history of submissions, and what changed between any two."""
    outline = _load(request, pk)
    history = list(outline.revisions.all())
    numbers = [r.number for r in history]
    a = _pick(request.GET.get("a"), numbers, default=numbers[-2] if len(numbers) > 1 else None)
    b = _pick(request.GET.get("b"), numbers, default=numbers[-1] if numbers else None)
    by_number = {r.number: r for r in history}
    changes = None
    if a and b:
        changes = diff(by_number[a].snapshot, by_number[b].snapshot)
    # Comments whose words a revision removed, beside the change to their text; the author
    # sees them only once feedback is released, as everywhere else.
    orphaned = []
    if permissions.can_moderate(request.user, outline) or feedback.feedback_released(outline):
        orphaned = list(outline.comments.filter(orphaned=True))
    placed = set()
    for change in changes or []:
        change.orphaned = [c for c in orphaned if anchored.where(c) == change.where]
        placed.update(c.pk for c in change.orphaned)
    return render(
        request,
        "essays/revisions.html",
        {
            "outline": outline,
            "history": history,
            "a": a,
            "b": b,
            "changes": changes,
            "other_orphaned": [c for c in orphaned if c.pk not in placed],
        },
    )


def _pick(raw, numbers, *, default):
    number = parse_number(raw or "")
    return number if number is not None and number in numbers else default


@login_required
@require_POST
def comment_reply(request, pk, comment_pk):
    """The student answers a comment: addressed, or won't fix, with a reason."""
    outline = _load(request, pk, action="write")
    comment = feedback.released_comment(outline, comment_pk)
    form = CommentReplyForm(request.POST)
    error = "" if form.is_valid() else first_error(form)
    if not error:
        try:
            feedback.comment_answer(
                comment=comment,
                state=form.cleaned_data["state"],
                reply=form.cleaned_data["student_reply"],
            )
        except NotAllowed as refusal:
            error = refusal.message
    anchored.place(outline, [comment])
    if request.htmx:
        context = {"comment": comment, "outline": outline, "as_student": True}
        if error:  # the answer comes back as typed, with what to fix beside it
            context.update(reply_error=error, reply_text=form.data.get("student_reply", ""))
        return render(request, "essays/_comment.html", context, status=400 if error else 200)
    if error:
        messages.error(request, error)
    return redirect("essays:outline", pk=pk)


# --- submissions and review (teachers) ------------------------------------------------


@login_required
def submissions(request, pk):
    assignment = permissions.get_assignment_for(request.user, pk, action="moderate")
    rows = submission_rows(assignment)
    rubric = Rubric.objects.prefetch_related("criteria__levels").get(
        pk=feedback.rubric_for(assignment).pk
    )
    return render(
        request,
        "essays/submissions.html",
        {"assignment": assignment, "rows": rows, "rubric": rubric},
    )


def submission_rows(assignment):
    """One row per student: their most advanced outline and draft, lateness, score totals,
    in a fixed number of queries (pinned in tests/essays/test_feedback_views.py)."""
    students = students_of(assignment.classroom_id)
    best = best_work(assignment)
    extensions = {e.student_id: e for e in assignment.extensions.all()}
    due_dates = DueDates(assignment, extensions=extensions.values())
    now = timezone.now()
    rows = []
    for student in students:
        outline = best[Outline.Kind.OUTLINE].get(student.pk)
        draft = best[Outline.Kind.DRAFT].get(student.pk)
        extension = extensions.get(student.pk)
        due = due_dates.of(student.pk)
        late = lateness(outline, due, now)  # the dashboard's and the gradebook's rule
        rows.append(
            {
                "student": student,
                "outline": outline,
                "draft": draft,
                "status": outline.get_status_display() if outline else "Not started",
                "late": late == "yes",
                "overdue": late == "overdue",
                "extension": extension,
                "due": due,
                "notes": [],
            }
        )
    for note_rows in signals.submission_row_notes:
        note_rows(assignment, rows)
    return rows


@login_required
@require_POST
def extension_set(request, pk, student_pk):
    assignment = permissions.get_assignment_for(request.user, pk, action="moderate")
    student = get_object_or_404(
        User,
        pk=student_pk,
        memberships__classroom=assignment.classroom_id,
        memberships__role="student",
    )
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("essays:submissions", pk=pk)
    due = form.cleaned_data["due_at"]
    if due is None:
        Extension.objects.filter(assignment=assignment, student=student).delete()
        messages.success(request, f"{student.display_name} is back on the class due date.")
        return redirect("essays:submissions", pk=pk)
    Extension.objects.update_or_create(
        assignment=assignment, student=student, defaults={"due_at": due}
    )
    messages.success(
        request, f"{student.display_name} now has until {date_format(due, 'j M, H:i')}."
    )
    return redirect("essays:submissions", pk=pk)


@login_required
@require_POST
def release_all(request, pk):
    assignment = permissions.get_assignment_for(request.user, pk, action="moderate")
    form = ReleaseForm(request.POST)
    assignment.feedback_released = form.is_valid() and form.cleaned_data["released"] == "1"
    assignment.save(update_fields=["feedback_released"])
    if assignment.feedback_released:
        _announce_release(assignment, list(assignment.outlines.all()))
    messages.success(
        request,
        "Feedback released to the whole class."
        if assignment.feedback_released
        else "Feedback is hidden again.",
    )
    return redirect("essays:submissions", pk=pk)


def _announce_release(assignment, outlines):
    """Tell the apps above (e.g. LTI grade passback) once the release is committed."""
    transaction.on_commit(
        lambda: signals.feedback_released.send(
            sender=type(assignment), assignment=assignment, outlines=outlines
        )
    )


def _review_context(
    request,
    outline,
    *,
    about="",
    comment_text="",
    bank_used=None,
    comment_error="",
    panel_error="",
    overall_text=None,
    overall_error="",
    target=None,
):
    """The review page: the outline (or the draft's paragraphs) with each section's comments
    beside it, and the panel: earlier comments still open, the comment form and bank, the
    rubric, the overall comment. `outline` comes from `_load_for_review`."""
    rubric = feedback.rubric_for(outline.assignment)
    criteria = list(rubric.criteria.prefetch_related("levels"))
    scores = {s.criterion_id: s for s in outline.scores.all()}
    for criterion in criteria:
        criterion.score = scores.get(criterion.pk)
    comments = list(outline.comments.select_related("author"))
    by_section = {}
    for comment in comments:
        by_section.setdefault(comment.section_key, []).append(comment)
    is_draft = outline.kind == Outline.Kind.DRAFT
    reading_url = reverse("comparisons:read", args=[outline.assignment_id])
    sections = list(outline.sections.all())
    # The student's words with each anchored comment's words marked, citations linked.
    anchored.mark_up(outline, sections, comments, reading_url=reading_url)
    for section in sections:
        section.comment_list = by_section.get(section.key, [])
    review, _ = Review.objects.get_or_create(outline=outline)
    bank = BankComment.objects.filter(teacher=request.user)
    revisions = list(outline.revisions.only("pk", "outline_id", "number"))
    earlier = feedback.from_earlier_reviews(comments, revisions[-1].pk if revisions else None)
    return {
        "outline": outline,
        "assignment": outline.assignment,
        "sources": outline.evidence_sources(),
        "judgements_shown": _judgements_shown(outline),
        "is_draft": is_draft,
        "reading_url": reading_url,
        "sections": sections,
        "outline_comments": by_section.get("", []),
        "open_comments": [c for c in earlier if c.state == FeedbackComment.State.OPEN],
        "answered": [
            c for c in comments if c.state != FeedbackComment.State.OPEN and not c.confirmed
        ],
        "criteria": criteria,
        "total": outline.score_total or 0,
        "max_total": max_points(criteria),
        "review": review,
        "bank": bank,
        "revision_count": len(revisions),
        "about": about,
        "comment_text": comment_text,
        "bank_used": bank_used,
        "comment_error": comment_error,
        "panel_error": panel_error,
        "overall_text": review.overall_comment if overall_text is None else overall_text,
        "overall_error": overall_error,
        "target": target or {},
    }


def _judgements_shown(outline):
    """The judgements the student made, named, for the teacher: whose thinking it is."""
    made = outline.judgements_made
    if not made:
        return []
    names = dict(outline.assignment.comparison.dimensions.values_list("pk", "name"))
    return [
        {
            "name": names.get(row.get("dimension"), "A dimension no longer in the text"),
            "kind": KIND_LABELS.get(row.get("kind"), "No kind chosen"),
            "sentence": row.get("sentence", ""),
            "most": bool(row.get("most_significant")),
            "why": row.get("why", "") if row.get("most_significant") else "",
        }
        for row in made
    ]


def _load_for_review(request, pk):
    return get_outline_for(
        request.user,
        pk,
        action="moderate",
        queryset=Outline.objects.for_editor().with_score_total(),
    )


@login_required
def review(request, pk):
    outline = _load_for_review(request, pk)
    return render(request, "essays/review.html", _review_context(request, outline))


@login_required
@require_POST
def review_comment(request, pk):
    outline = _load(request, pk, action="moderate")
    form = CommentForm(request.POST)
    typed = form.data.get("body", "")
    about = form.data.get("section_key", "")
    if not form.is_valid():
        return _comment_refused(request, outline, first_error(form), typed, about)
    data = form.cleaned_data
    body = data["body"].strip()
    if form.data.get("insert"):
        return _bank_insert(request, outline, body, data["insert"] or 0, about)
    if not body:
        # A missing body keeps the chosen words; a refused selection is dropped, to be made
        # again.
        return _comment_refused(
            request,
            outline,
            "Write the comment first.",
            typed,
            about,
            target=anchored.form_values(request.POST),
        )
    target = None
    raw_target = anchored.target_from_form(request.POST)
    if raw_target:
        try:
            target = anchored.parse_target(outline, raw_target)
        except anchored.TargetError as refusal:
            return _comment_refused(request, outline, refusal.message, typed, about)
    try:
        feedback.comment_add(
            outline=outline,
            author=request.user,
            body=body,
            section_key=data["section"],
            evidence_key=data["evidence"],
            bank_id=data["bank"],
            target=target,
        )
    except NotAllowed as refusal:
        return _comment_refused(request, outline, refusal.message, typed, about, status=400)
    if data["save_to_bank"]:
        BankComment.objects.get_or_create(
            teacher=request.user, body=body, defaults={"criterion_name": data["criterion_name"]}
        )
    return _review_region(request, outline, "Comment saved.", about=about)


def _comment_refused(request, outline, message, typed, about, *, status=422, target=None):
    """The form comes back with the message beside the box, the words as typed and the
    section (or the chosen words, `target`) still chosen: 422 for what to fix in the form, 400
    when a rule refuses."""
    context = _review_context(
        request,
        Outline.objects.for_editor().with_score_total().get(pk=outline.pk),
        about=about,
        comment_text=typed,
        comment_error=message,
        target=target,
    )
    template = "essays/review.html#review" if request.htmx else "essays/review.html"
    return render(request, template, context, status=status)


def _bank_insert(request, outline, body, bank_id, about):
    """Without JavaScript, "Insert" on a bank comment posts the comment form: the page comes
    back with the bank's words added to what was typed and the same section chosen, to be
    edited and then added. (With JavaScript, comment-bank.js does this in place.)"""
    entry = get_object_or_404(BankComment, pk=bank_id, teacher=request.user)
    text = f"{body}\n{entry.body}" if body else entry.body
    context = _review_context(
        request,
        Outline.objects.for_editor().with_score_total().get(pk=outline.pk),
        about=about,
        comment_text=text,
        bank_used=entry.pk,
        comment_error="Keep a comment under 3,000 characters." if len(text) > 3000 else "",
    )
    template = "essays/review.html#review" if request.htmx else "essays/review.html"
    return render(request, template, context)


@login_required
@require_POST
def review_confirm(request, pk, comment_pk):
    """The teacher confirms a student's answer to a comment, or reopens it."""
    outline = _load(request, pk, action="moderate")
    comment = get_object_or_404(outline.comments, pk=comment_pk)
    form = ConfirmForm(request.POST)
    try:
        if form.is_valid() and form.cleaned_data["reopen"]:
            comment.reopen()
        else:
            comment.confirm()
    except NotAllowed as refusal:
        return _review_region(request, outline, refusal.message, error=refusal.message)
    return _review_region(request, outline, "Comment updated.")


@login_required
@require_POST
def review_score(request, pk):
    outline = _load(request, pk, action="moderate")
    form = ScoreForm(request.POST)
    try:
        level = feedback.level_for(outline, form.cleaned_data["level"] if form.is_valid() else None)
    except NotAllowed:
        raise Http404 from None  # as for any id the page does not know
    feedback.score_set(outline=outline, level=level)
    return _review_region(request, outline, f"{level.criterion.name}: {level.name}.")


@login_required
@require_POST
def review_overall(request, pk):
    outline = _load(request, pk, action="moderate")
    form = OverallForm(request.POST)
    if not form.is_valid():
        return _review_region(
            request,
            outline,
            first_error(form),
            overall_text=form.data.get("overall_comment", ""),
            overall_error=first_error(form),
        )
    review_row, _ = Review.objects.get_or_create(outline=outline)
    if "overall_comment" in form.data:
        review_row.overall_comment = form.cleaned_data["overall_comment"]
        review_row.save()
    if form.cleaned_data["release"]:
        try:
            feedback.review_release(outline=outline, released=form.cleaned_data["release"] == "1")
        except NotAllowed as refusal:
            if not request.htmx:
                messages.error(request, refusal.message)
                return redirect("essays:review", pk=outline.pk)
            # Said beside the release button, and announced.
            fresh = Outline.objects.for_editor().with_score_total().get(pk=outline.pk)
            context = {**_review_context(request, fresh), "release_error": refusal.message}
            response = render(request, "essays/review.html#review", context, status=400)
            trigger_client_event(response, "announce", {"message": refusal.message})
            return response
    return _review_region(request, outline, "Saved.")


@login_required
@require_POST
def review_decide(request, pk):
    outline = _load(request, pk, action="moderate")
    form = DecideForm(request.POST)
    if not form.is_valid():
        return HttpResponse(first_error(form), status=400)
    action = form.cleaned_data["action"]
    try:
        feedback.outline_transition(outline=outline, action=action)
    except InvalidTransition as refusal:
        messages.error(request, str(refusal))
        return redirect("essays:review", pk=pk)
    messages.success(request, "Returned for revision." if action == "return" else "Accepted.")
    return redirect("essays:submissions", pk=outline.assignment_id)


def _review_region(request, outline, note, *, about="", error="", **typed):
    """Answer a review action: the review region (htmx) or the page again. A refusal comes
    back as a 400 with its message in the panel (and what was typed, in `typed`)."""
    outline = Outline.objects.for_editor().with_score_total().get(pk=outline.pk)
    failed = bool(error or typed.get("overall_error"))
    if not request.htmx and not failed:
        return redirect("essays:review", pk=outline.pk)
    context = _review_context(request, outline, about=about, panel_error=error, **typed)
    template = "essays/review.html#review" if request.htmx else "essays/review.html"
    response = render(request, template, context, status=400 if failed else 200)
    trigger_client_event(response, "announce", {"message": note})
    return response
