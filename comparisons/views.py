from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

from comparisons import converters, services
from comparisons.access import get_comparison_for
from comparisons.forms import (
    AssignmentForm,
    AssignmentSettingsForm,
    ComparisonForm,
    ContrastForm,
    DimensionForm,
    ImportForm,
    PassageForm,
    SectionForm,
    SubjectForm,
)
from comparisons.models import (
    Comparison,
    Contrast,
    Dimension,
    Passage,
    Section,
    Subject,
    SubjectColour,
    reading_layout,
)
from comparisons.reading import reading_for, reading_text_html
from comparisons.services import assignment_create, comparison_import
from comparisons.signals import text_changed
from counterpoint import permissions
from counterpoint.lib.ordering import moved, save_order
from counterpoint.lib.sentences import sentences

# --- the preview ----------------------------------------------------------------


@login_required
def comparison_preview(request, pk):
    reading = reading_for(get_comparison_for(request.user, pk))
    return render(
        request,
        "comparisons/read.html",
        {
            "comparison": reading.comparison,
            "preview": True,
            "can_edit": permissions.can_write(request.user, reading.comparison),
            "reading_text": reading_text_html(reading),
            **reading.layout,
        },
    )


# --- the author's list, creating, importing, publishing ------------------------


@login_required
def comparison_list(request):
    permissions.require_author(request.user)
    readable = Comparison.objects.readable_by(request.user).select_related(
        "author", "based_on__author"
    )
    mine = [c for c in readable if c.author_id == request.user.pk]
    library = [c for c in readable if c.author_id != request.user.pk]
    return render(request, "comparisons/list.html", {"mine": mine, "library": library})


@login_required
def comparison_new(request):
    permissions.require_author(request.user)
    form = ComparisonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not services.may_create(request.user):
            form.add_error(None, services.RATE_LIMITED)
            return render(request, "comparisons/new.html", {"form": form}, status=429)
        comparison = form.save(commit=False)
        comparison.author = request.user
        comparison.save()
        messages.success(request, "Comparison created. Add its subjects, dimensions and text.")
        return redirect("comparisons:edit", pk=comparison.pk)
    return render(request, "comparisons/new.html", {"form": form})


@login_required
def comparison_import_view(request):
    permissions.require_author(request.user)
    form = ImportForm(
        request.POST or None, request.FILES or None, max_bytes=settings.IMPORT_MAX_BYTES
    )
    parsed = converted = None
    if request.method == "POST" and form.is_valid():
        parsed, converted = _read_import(form.cleaned_data)
        # The converted article is shown in the text box, so that "Create" posts what was
        # previewed and the report's line numbers point into it.
        if converted.markdown.strip():
            form = ImportForm({"markdown": converted.markdown}, max_bytes=settings.IMPORT_MAX_BYTES)
            form.is_valid()
        else:
            form = ImportForm(max_bytes=settings.IMPORT_MAX_BYTES)
        if "create" in request.POST and parsed.ok:
            if not services.may_create(request.user):
                form.add_error(None, services.RATE_LIMITED)
                return render(
                    request,
                    "comparisons/import.html",
                    {"form": form, "parsed": parsed, "converted": converted},
                    status=429,
                )
            comparison = comparison_import(
                parsed=parsed, author=request.user, publish="publish" in request.POST
            )
            messages.success(
                request, sentences(f"Imported {comparison.title}", "Check it, then publish it.")
            )
            return redirect("comparisons:edit", pk=comparison.pk)
    return render(
        request,
        "comparisons/import.html",
        {"form": form, "parsed": parsed, "converted": converted},
    )


def _read_import(data: dict):
    """The import form's file, pasted rich text or text, converted and read."""
    limit = settings.IMPORT_MAX_BYTES
    if data["upload"]:
        name, content = data["upload"]
        return converters.import_document(content, filename=name, max_bytes=limit)
    if data["pasted_html"].strip():
        return converters.import_document(
            data["pasted_html"].encode(), fmt=converters.HTML, fragment=True, max_bytes=limit
        )
    return converters.import_document(
        data["markdown"].encode(), fmt=converters.MARKDOWN, max_bytes=limit
    )


@login_required
@require_POST
def comparison_publish(request, pk):
    comparison = get_comparison_for(request.user, pk, action="write")
    if request.POST.get("publish") == "0":
        comparison.unpublish()
        messages.success(request, "Unpublished. Classes it is already assigned to keep it.")
    elif not comparison.subjects.count() >= 2:
        messages.error(request, "Add at least two subjects before publishing.")
    else:
        comparison.publish()
        messages.success(request, "Published. You can now assign it to a class.")
    return redirect("comparisons:edit", pk=comparison.pk)


# --- the editor ----------------------------------------------------------------
# The editor has two swappable regions: "matrix" (subjects, dimensions and the
# cells) and "text" (sections and their passages). Every change re-renders the one
# region it touched; a form with errors is rendered bound, in place, so nothing
# typed is lost.

EDITABLE = {
    # kind: (model, form, region, siblings of an item)
    "subject": (Subject, SubjectForm, "matrix", lambda item: item.comparison.subjects.all()),
    "dimension": (
        Dimension,
        DimensionForm,
        "matrix",
        lambda item: item.comparison.dimensions.all(),
    ),
    "section": (Section, SectionForm, "text", lambda item: item.comparison.sections.all()),
    "passage": (Passage, PassageForm, "text", lambda item: item.section.passages.all()),
}


def _editable(kind):
    if kind not in EDITABLE:
        raise Http404
    return EDITABLE[kind]


def _items_of(comparison, model):
    if model is Passage:
        return Passage.objects.filter(section__comparison=comparison)
    return model.objects.filter(comparison=comparison)


def _editor(request, comparison, *, region=None, bound=None, status=200):
    """Render the editor page, or just one region of it for htmx."""
    comparison = Comparison.objects.for_reading().get(pk=comparison.pk)
    layout = reading_layout(comparison)
    bound = bound or {}

    def form_for(kind, instance=None, **extra):
        key = (kind, instance.pk if instance else None, extra.get("section"))
        if key in bound:
            return bound[key]
        _, form_class, _, _ = EDITABLE[kind]
        prefix = f"{kind}-{instance.pk if instance else 'new'}"
        if extra.get("section") and not instance:
            prefix += f"-in-{extra['section']}"
        return form_class(instance=instance, comparison=comparison, prefix=prefix)

    for subject in layout["subjects"]:
        subject.form = form_for("subject", subject)
    for row in layout["matrix"]:
        row.form = form_for("dimension", row.dimension)
        row.cell_forms = [
            (
                subject,
                cell,
                ContrastForm(
                    initial={"statement": cell.statement if cell else ""},
                    prefix=f"cell-{row.dimension.pk}-{subject.pk}",
                ),
            )
            for subject, cell in row.cells
        ]
    for section in layout["sections"]:
        section.form = form_for("section", section)
        for passage in section.numbered_passages:
            passage.form = form_for("passage", passage)
        section.new_passage_form = form_for("passage", section=section.pk)
    context = {
        "comparison": comparison,
        "details_form": bound.get("details") or ComparisonForm(instance=comparison),
        "new_subject_form": bound.get(("subject", None, None))
        or SubjectForm(
            comparison=comparison,
            prefix="subject-new",
            initial={"colour": next_free_colour(layout["subjects"])},
        ),
        "new_dimension_form": form_for("dimension"),
        "new_section_form": form_for("section"),
        "colours": SubjectColour,
        **layout,
    }
    template = "comparisons/edit.html"
    if region and request.htmx:
        template += f"#{region}"
    return render(request, template, context, status=status)


def next_free_colour(subjects):
    used = {subject.colour for subject in subjects}
    free = [colour for colour in SubjectColour.values if colour not in used]
    return (free or SubjectColour.values)[0]


def _finish(request, comparison, region, note, bound=None):
    if request.htmx:
        response = _editor(request, comparison, region=region, bound=bound)
        if note:
            trigger_client_event(response, "announce", {"message": note})
        return response
    if bound:
        return _editor(request, comparison, bound=bound)
    if note:
        messages.success(request, note)
    return redirect(f"{comparison.get_absolute_url()}#{region}")


@login_required
def comparison_edit(request, pk):
    comparison = get_comparison_for(request.user, pk, action="write")
    if request.method == "POST":
        form = ComparisonForm(request.POST, instance=comparison)
        if form.is_valid():
            form.save()
            return _finish(request, comparison, "details", "Details saved.")
        return _finish(request, comparison, "details", None, bound={"details": form})
    return _editor(request, comparison)


@login_required
@require_POST
def item_add(request, pk, kind):
    comparison = get_comparison_for(request.user, pk, action="write")
    model, form_class, region, _ = _editable(kind)
    section = None
    prefix = f"{kind}-new"
    if model is Passage:
        section_pk = request.POST.get("section", "")
        if not section_pk.isdecimal():  # a tampered form: 404, not a ValueError and a 500
            raise Http404
        section = get_object_or_404(comparison.sections, pk=section_pk)
        prefix += f"-in-{section.pk}"
    form = form_class(request.POST, comparison=comparison, prefix=prefix)
    if not form.is_valid():
        key = (kind, None, section.pk if section else None)
        return _finish(request, comparison, region, None, bound={key: form})
    item = form.save(commit=False)
    if model is Passage:
        item.section = section
        item.order = section.passages.count()
    else:
        item.comparison = comparison
        item.order = _items_of(comparison, model).count()
    item.save()
    form.save_m2m()
    return _finish(request, comparison, region, f"{model._meta.verbose_name.capitalize()} added.")


@login_required
@require_POST
def item_update(request, pk, kind, item_pk):
    comparison = get_comparison_for(request.user, pk, action="write")
    model, form_class, region, _ = _editable(kind)
    item = get_object_or_404(_items_of(comparison, model), pk=item_pk)
    form = form_class(
        request.POST, instance=item, comparison=comparison, prefix=f"{kind}-{item.pk}"
    )
    if not form.is_valid():
        return _finish(request, comparison, region, None, bound={(kind, item.pk, None): form})
    # A passage's annotations follow its new text on save (annotations.receivers).
    form.save()
    return _finish(request, comparison, region, f"{model._meta.verbose_name.capitalize()} saved.")


@login_required
@require_POST
def item_delete(request, pk, kind, item_pk):
    comparison = get_comparison_for(request.user, pk, action="write")
    model, _, region, _ = _editable(kind)
    item = get_object_or_404(_items_of(comparison, model), pk=item_pk)
    item.delete()
    return _finish(request, comparison, region, f"{model._meta.verbose_name.capitalize()} deleted.")


@login_required
@require_POST
def item_move(request, pk, kind, item_pk):
    comparison = get_comparison_for(request.user, pk, action="write")
    model, _, region, siblings_of = _editable(kind)
    item = get_object_or_404(_items_of(comparison, model), pk=item_pk)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return HttpResponseBadRequest("direction must be up or down")
    delta = -1 if direction == "up" else 1
    siblings = siblings_of(item)
    save_order(siblings, moved([s.pk for s in siblings], item.pk, delta))
    text_changed(Comparison.objects.filter(pk=comparison.pk))  # bulk_update sends no signal
    return _finish(request, comparison, region, f"{model._meta.verbose_name.capitalize()} moved.")


@login_required
@require_POST
def cell_save(request, pk, dimension_pk, subject_pk):
    comparison = get_comparison_for(request.user, pk, action="write")
    dimension = get_object_or_404(comparison.dimensions, pk=dimension_pk)
    subject = get_object_or_404(comparison.subjects, pk=subject_pk)
    form = ContrastForm(request.POST, prefix=f"cell-{dimension.pk}-{subject.pk}")
    form.is_valid()
    statement = form.cleaned_data.get("statement", "").strip()
    if statement:
        Contrast.objects.update_or_create(
            dimension=dimension, subject=subject, defaults={"statement": statement}
        )
    else:
        Contrast.objects.filter(dimension=dimension, subject=subject).delete()
    return _finish(request, comparison, "matrix", "Cell saved.")


# --- assigning -----------------------------------------------------------------


@login_required
def assignment_new(request, classroom_pk):
    classroom = permissions.get_classroom_for(request.user, classroom_pk, action="write")
    if classroom.is_archived:
        messages.error(
            request, f"{classroom.name} is archived. Make it active again to assign work."
        )
        return redirect("classroom", pk=classroom.pk)
    comparisons = Comparison.objects.readable_by(request.user).filter(is_published=True)
    initial = {"comparison": request.GET.get("comparison")}
    form = AssignmentForm(request.POST or None, initial=initial, comparisons=comparisons)
    if request.method == "POST" and form.is_valid():
        assignment = form.save(commit=False)
        assignment.classroom = classroom
        original = assignment.comparison
        assignment = assignment_create(assignment=assignment, teacher=request.user)
        if assignment.comparison != original:
            messages.success(
                request,
                sentences(
                    f"Assigned your own copy of {original.title} to {classroom.name}",
                    "You can edit the copy; changes to the original do not reach your class",
                ),
            )
            return redirect("classroom", pk=classroom.pk)
        messages.success(
            request, sentences(f"Assigned {assignment.comparison.title} to {classroom.name}")
        )
        return redirect("classroom", pk=classroom.pk)
    return render(request, "comparisons/assign.html", {"form": form, "classroom": classroom})


@login_required
def assignment_settings(request, pk):
    assignment = permissions.get_assignment_for(request.user, pk, action="write")
    form = AssignmentSettingsForm(request.POST or None, instance=assignment)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Assignment saved.")
        return redirect("classroom", pk=assignment.classroom_id)
    return render(
        request,
        "comparisons/assignment_settings.html",
        {
            "assignment": assignment,
            "form": form,
        },
    )
