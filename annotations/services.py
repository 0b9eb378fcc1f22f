"""Writes that touch several rows: creating annotations with their subjects and tags,
replies, helpful marks, re-anchoring after a passage is edited, flags, and moderation with
its audit trail."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from annotations import anchoring, signals
from annotations.models import Annotation, Flag, Helpful, Link, ModerationAction, Tag
from counterpoint.lib import ratelimit


@transaction.atomic
def annotation_create(
    *,
    assignment,
    author,
    passage,
    exact: str,
    prefix: str,
    suffix: str,
    start: int,
    end: int,
    body: str,
    kind: str,
    subjects,
    dimension,
    tags: list[str],
    visibility: str,
    is_prompt: bool = False,
) -> Annotation:
    """Raises anchoring.SelectorError when the selection does not match the passage."""
    selector = anchoring.validate(
        passage.text, exact=exact, prefix=prefix, suffix=suffix, start=start, end=end
    )
    annotation = Annotation.objects.create(
        assignment=assignment,
        passage=passage,
        author=author,
        exact=selector.exact,
        prefix=selector.prefix,
        suffix=selector.suffix,
        start=selector.start,
        end=selector.end,
        body=body,
        kind=kind,
        dimension=dimension,
        # A prompt is for the whole class, whatever visibility was chosen.
        visibility=Annotation.Visibility.CLASS if is_prompt else visibility,
        is_prompt=is_prompt,
    )
    annotation.subjects.set(subjects)
    tags_set(annotation, tags)
    signals.annotation_posted.send(sender=Annotation, annotation=annotation)
    return annotation


@transaction.atomic
def reply_create(*, parent: Annotation, author, body: str, private: bool = False) -> Annotation:
    """A reply shares its thread's passage and visibility, so it is seen exactly where the
    annotation it answers is seen. A private reply (a teacher's) is seen only by the
    annotation's author and the class's teachers (is_private_reply), whatever the thread's
    visibility becomes."""
    if parent.is_locked:
        raise ThreadLocked
    reply = Annotation.objects.create(
        assignment_id=parent.assignment_id,
        passage_id=parent.passage_id,
        author=author,
        parent=parent,
        body=body,
        kind=Annotation.Kind.COMMENT,
        visibility=parent.visibility,
        is_private_reply=private,
    )
    signals.annotation_posted.send(sender=Annotation, annotation=reply)
    return reply


class ThreadLocked(Exception):
    """A teacher locked this thread: no new replies."""

    message = "This thread is locked: no new replies."


def tags_set(annotation: Annotation, names: list[str]) -> None:
    annotation.tags.exclude(name__in=names).delete()
    existing = set(annotation.tags.values_list("name", flat=True))
    Tag.objects.bulk_create(
        [Tag(annotation=annotation, name=name) for name in names if name not in existing]
    )


def touch(*annotation_ids: int) -> None:
    """Mark annotations as changed for the live poll (annotations.live): for changes their
    cards show that live in other tables (helpful marks, comparison links)."""
    Annotation.objects.filter(pk__in=annotation_ids).update(updated_at=timezone.now())


@transaction.atomic
def helpful_toggle(*, annotation: Annotation, user) -> bool:
    """Mark or unmark as helpful; returns whether it is now marked. Raises
    ratelimit.RateLimited past the limit (each mark and unmark counts)."""
    ratelimit.check(user, "helpful")
    touch(annotation.pk)
    deleted, _ = Helpful.objects.filter(annotation=annotation, user=user).delete()
    if deleted:
        return False
    Helpful.objects.get_or_create(annotation=annotation, user=user)
    return True


@transaction.atomic
def link_create(link: Link) -> Link:
    """Save a comparison link (made by LinkForm) and show it on both cards. Raises
    ratelimit.RateLimited past the link limit."""
    ratelimit.check(link.author, "link")
    link.save()
    touch(link.source_id, link.target_id)
    return link


@transaction.atomic
def passage_reanchor(passage) -> dict[str, int]:
    """After a passage's text changed, move each annotation to where its quote now is.

    Exact position first, then the quote elsewhere, then a fuzzy match on the context;
    an annotation that cannot be placed is marked orphaned and keeps its old quote, so it
    is shown with that quote instead of being lost.
    """
    counts = {"position": 0, "quote": 0, "fuzzy": 0, "orphaned": 0}
    changed = []
    # One budget for the whole save, so a passage with hundreds of notes still saves quickly;
    # past it the rest are orphaned, shown to the teacher, and placed again on the next save.
    budget = anchoring.Budget(anchoring.REQUEST_WORK_BUDGET)
    for annotation in passage.annotations.filter(parent__isnull=True, start__isnull=False):
        anchor = anchoring.reanchor(
            passage.text,
            anchoring.Selector(
                exact=annotation.exact,
                prefix=annotation.prefix,
                suffix=annotation.suffix,
                start=annotation.start,
                end=annotation.end,
            ),
            budget=budget,
        )
        counts[anchor.method] += 1
        if anchor.orphaned:
            if not annotation.is_orphaned:
                annotation.is_orphaned = True
                changed.append(annotation)
            continue
        fresh = anchoring.selector_for(passage.text, anchor.start, anchor.end)
        annotation.exact, annotation.prefix, annotation.suffix = (
            fresh.exact,
            fresh.prefix,
            fresh.suffix,
        )
        annotation.start, annotation.end = fresh.start, fresh.end
        annotation.is_orphaned = False
        changed.append(annotation)
    now = timezone.now()  # bulk_update skips auto_now; live panels notice the change by it
    for annotation in changed:
        annotation.updated_at = now
    Annotation.objects.bulk_update(
        changed, ["exact", "prefix", "suffix", "start", "end", "is_orphaned", "updated_at"]
    )
    return counts


def passage_orphan(passage) -> int:
    """A passage is about to be deleted (from the editor, the admin or the shell): its
    annotations stay, marked orphaned, keeping their quote; the database then empties their
    `passage` (on_delete=SET_NULL). Their replies go with them. Returns how many."""
    now = timezone.now()  # update() skips auto_now; live panels notice the change by it
    Annotation.objects.filter(passage=passage, parent__isnull=False).update(updated_at=now)
    return Annotation.objects.filter(passage=passage, parent__isnull=True).update(
        is_orphaned=True, updated_at=now
    )


def may_post(user) -> bool:
    """The per-person rate limit on new annotations and replies."""
    return ratelimit.allow(f"annotate:{user.pk}", limit=settings.ANNOTATION_RATE_LIMIT, window=60)


RATE_LIMITED = (
    "You are posting very quickly. Wait a minute, then try again: what you wrote is still here."
)


def import_allow(user, count: int) -> None:
    """Count an import request and the `count` annotations it holds against this person's
    import limits (settings.RATE_LIMITS "import" and "imported_annotations"). Raises
    ratelimit.RateLimited, having counted none of the annotations, when fewer are left: an
    import is refused whole rather than cut short."""
    ratelimit.check(user, "import")
    left = ratelimit.remaining(user, "imported_annotations")
    if count > left:
        limit, window, _ = settings.RATE_LIMITS["imported_annotations"]
        raise ratelimit.RateLimited(
            f"You can import {limit} annotations an hour and have {left} left; this file has "
            f"{count}. Nothing was imported: wait, or send fewer at a time.",
            wait=window,
        )
    ratelimit.check(user, "imported_annotations", cost=count)


@transaction.atomic
def flag_create(*, annotation: Annotation, reporter, reason: str, details: str = "") -> Flag:
    """Flag once: flagging the same annotation again changes nothing. Raises
    ratelimit.RateLimited past the flag limit."""
    ratelimit.check(reporter, "flag")
    flag, created = Flag.objects.get_or_create(
        annotation=annotation, reporter=reporter, defaults={"reason": reason, "details": details}
    )
    if created:
        signals.flag_raised.send(sender=Flag, flag=flag)
    return flag


@transaction.atomic
def annotation_moderate(*, annotation: Annotation, actor, action: str, reason: str = ""):
    """Apply one moderation action and record it. Nothing is destroyed by hiding; a delete
    keeps the audit row, with a snapshot of the words."""
    Action = ModerationAction.Action
    record = ModerationAction.objects.create(
        classroom_id=annotation.assignment.classroom_id,
        annotation=annotation,
        annotation_author_id=annotation.author_id,
        snapshot=annotation.body or annotation.exact,
        actor=actor,
        action=action,
        reason=reason,
    )
    open_flags = annotation.flags.filter(state=Flag.State.OPEN)
    if action == Action.HIDE:
        annotation.hide(actor, reason)
        open_flags.update(state=Flag.State.HIDDEN, resolved_at=timezone.now())
    elif action == Action.UNHIDE:
        annotation.unhide()
    elif action == Action.KEEP:
        open_flags.update(state=Flag.State.KEPT, resolved_at=timezone.now())
    elif action in (Action.PIN, Action.UNPIN):
        annotation.pin(action == Action.PIN)
    elif action in (Action.LOCK, Action.UNLOCK):
        annotation.lock(action == Action.LOCK)
    elif action == Action.DELETE:
        open_flags.update(state=Flag.State.HIDDEN, resolved_at=timezone.now())
        annotation.soft_delete()
    else:
        raise ValueError(f"Unknown moderation action {action!r}")
    return record
