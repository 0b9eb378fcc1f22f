from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import trigger_client_event

from notifications.forms import DigestForm
from notifications.models import Notification, Preference

PAGE_SIZE = 30


def _inbox_context(request):
    page = Paginator(Notification.objects.for_inbox(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return {"page": page, "notifications": page.object_list}


@login_required
@require_safe
def inbox(request):
    """What happened that concerns me, newest first, each linking to its place."""
    return render(request, "notifications/inbox.html", _inbox_context(request))


@login_required
@require_safe
def notification_open(request, pk):
    """Follow a notification: it counts as read, and the browser goes to its place. A link
    (not a form) so that it opens in a new tab and reads as a link; marking one's own
    notification read is the only thing it changes."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    Notification.objects.mark_read(request.user, pk=notification.pk)
    if not url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect("notifications:inbox")
    return redirect(notification.url)


def _answer(request, note):
    """The inbox again: in place (with the navigation's count) for htmx, else a redirect."""
    if not request.htmx:
        messages.success(request, note)
        return redirect("notifications:inbox")
    context = _inbox_context(request)
    response = render(request, "notifications/inbox.html#inbox-region", context)
    trigger_client_event(response, "announce", {"message": note})
    return response


@login_required
@require_POST
def notification_read(request, pk):
    get_object_or_404(Notification, pk=pk, recipient=request.user)
    Notification.objects.mark_read(request.user, pk=pk)
    return _answer(request, "Marked as read.")


@login_required
@require_POST
def all_read(request):
    count = Notification.objects.mark_read(request.user)
    return _answer(request, f"Marked {count} as read." if count else "Nothing was unread.")


@login_required
@require_POST
def digest_setting(request):
    """The account page's e-mail choice (notifications.receivers.profile_card)."""
    preference, _ = Preference.objects.get_or_create(user=request.user)
    form = DigestForm(request.POST, instance=preference)
    if form.is_valid():
        form.save()
        messages.success(
            request,
            "You will get a daily e-mail when something new is unread."
            if preference.daily_digest
            else "No more e-mail digests.",
        )
    return redirect("profile")
