"""The submissions page's whole-class actions: bulk return, accept, release (essays.bulk),
and the ZIP of every handed-in essay. Teachers of the class only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from counterpoint import permissions
from counterpoint.lib.errors import NotAllowed
from essays import bulk
from essays.models import Outline

MAX_SELECTED = 1000  # more ids than any class has students: the rest are ignored


def _kind(raw) -> str:
    return Outline.Kind.DRAFT if raw == Outline.Kind.DRAFT else Outline.Kind.OUTLINE


def _ids(values) -> list[int]:
    return [int(v) for v in values[:MAX_SELECTED] if v.isdigit() and len(v) < 12]


@login_required
@require_POST
def bulk_action(request, pk):
    assignment = permissions.get_assignment_for(request.user, pk, action="moderate")
    action = request.POST.get("action", "")
    if action not in bulk.ACTIONS:
        messages.error(request, "Choose return, accept or release feedback.")
        return redirect("essays:submissions", pk=pk)
    if request.POST.get("everyone") == "1":
        chosen = list(assignment.classroom.memberships.values_list("user_id", flat=True))
    else:
        chosen = _ids(request.POST.getlist("student"))
    if not chosen:
        messages.error(request, "Select at least one student first.")
        return redirect("essays:submissions", pk=pk)
    outcomes = bulk.bulk_apply(
        assignment=assignment,
        user=request.user,
        action=action,
        student_ids=chosen,
        kind=_kind(request.POST.get("kind")),
    )
    done = [o.student.display_name for o in outcomes if o.done]
    if done:
        messages.success(request, f"{bulk.ACTIONS[action]} ({len(done)}): {', '.join(done)}.")
    refused = [o for o in outcomes if not o.done]
    if refused:
        lines = "; ".join(f"{o.student.display_name}: {o.reason}" for o in refused)
        messages.warning(request, f"Not done ({len(refused)}): {lines}")
    return redirect("essays:submissions", pk=pk)


@login_required
def submissions_zip(request, pk):
    assignment = permissions.get_assignment_for(request.user, pk, action="moderate")
    kind = _kind(request.GET.get("kind"))
    try:
        content, count = bulk.submissions_zip(assignment, kind)
    except NotAllowed as refusal:
        messages.error(request, refusal.message)
        return redirect("essays:submissions", pk=pk)
    if not count:
        messages.error(request, "No one has handed in work of that kind yet.")
        return redirect("essays:submissions", pk=pk)
    name = slugify(f"{assignment.classroom.name} {assignment.comparison.title}")[:80]
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{name or 'submissions'}-{kind}s.zip"
    )
    return response
