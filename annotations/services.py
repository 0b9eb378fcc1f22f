"""The annotations' rules and the writes that touch several rows: creating and editing
annotations with their subjects and tags, replies, helpful marks, re-anchoring after a
passage is edited, flags, and moderation with its audit trail.

The HTML views (annotations.views) and the API (annotations.api) both call these; a refusal
is a domain error (counterpoint.lib.errors) that each channel only translates: a form error
or a 400 naming the field when the error names one.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from annotations import anchoring, signals
from annotations.models import Annotation, Flag, Helpful, Link, ModerationAction, Tag
from comparisons.models import Passage
from counterpoint.lib import ratelimit
from counterpoint.lib.errors import NotAllowed
from counterpoint.models import Classroom, User
from counterpoint.roles import is_teacher

NEEDS_WORDS = "Write a note: a question or comment needs some words."
DELETED = "This annotation was deleted; it cannot be edited."
OWN_FLAG = "You cannot flag your own annotation."
FLAG_NEEDS_DETAILS = "Say in a few words what is wrong: “Something else” needs them."
OWN_HELPFUL = "You cannot mark your own annotation as helpful."
HIDE_NEEDS_REASON = "Give a reason: the author sees it, so they know what to change."
REPLY_NOT_PINNED = "Only an annotation can be pinned or locked, not a reply."
NOT_IN_TEXT = "That paragraph is not part of this text."
REPLY_NEEDS_WORDS = "Write something before sending a reply."


def _require_words(kind: str, body: str) -> None:
    """Evidence may be a bare highlight; a question or comment says something."""
    if kind != Annotation.Kind.EVIDENCE and not body.strip():
        raise NotAllowed(NEEDS_WORDS, field="body")


def passage_of(assignment, passage_id, *, text=None):
    """The passage of the assignment's text with this id; NotAllowed for any other id. Given
    `text` (the assignment's kept text, comparisons.reading), it is found among the text's
    loaded passages, without a query."""
    if text is not None and text.comparison.pk == assignment.comparison_id:
        passage = next(
            (
                passage
                for section in text.comparison.sections.all()
                for passage in section.passages.all()
                if passage.pk == passage_id
            ),
            None,
        )
    else:
        passage = Passage.objects.filter(
            pk=passage_id, section__comparison_id=assignment.comparison_id
        ).first()
    if passage is None:
        raise NotAllowed(NOT_IN_TEXT, field="passage")
    return passage


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
    """Raises NotAllowed when a question or comment has no words, anchoring.SelectorError
    when the selection does not match the passage."""
    _require_words(kind, body)
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
    # A new row has no subjects or tags to keep or remove: only inserts, and none for none.
    annotation.subjects.add(*subjects)
    if tags:
        Tag.objects.bulk_create([Tag(annotation=annotation, name=name) for name in tags])
    signals.annotation_posted.send(sender=Annotation, annotation=annotation)
    return annotation


@transaction.atomic
def reply_create(*, parent: Annotation, author, body: str, private: bool = False) -> Annotation:
    """A reply shares its thread's passage and visibility, so it is seen exactly where the
    annotation it answers is seen. A private reply (a teacher's) is seen only by the
    annotation's author and the class's teachers (is_private_reply), whatever the thread's
    visibility becomes."""
    if parent.is_locked:
        raise ThreadLocked(ThreadLocked.MESSAGE, field="parent")
    if not body.strip():
        raise NotAllowed(REPLY_NEEDS_WORDS, field="body")
    reply = Annotation.objects.create(
        # The thread's assignment (and its class and text, where the caller loaded them):
        # what listeners read from the reply costs no query.
        assignment=parent.assignment,
        passage_id=parent.passage_id,
        author=author,
        parent=parent,
        body=body,
        kind=Annotation.Kind.COMMENT,
        visibility=parent.visibility,
        # Only a teacher of the class replies privately.
        is_private_reply=private and is_teacher(author, parent.assignment.classroom_id),
    )
    signals.annotation_posted.send(sender=Annotation, annotation=reply)
    return reply


class ThreadLocked(NotAllowed):
    """A teacher locked this thread: no new replies."""

    MESSAGE = "This thread is locked: no new replies."


@transaction.atomic
def annotation_update(annotation: Annotation, **changes) -> Annotation:
    """An author's edit of an annotation: any of body, kind, subjects, dimension, tags and
    visibility (its replies follow a visibility change). Only the columns given are written,
    so a re-anchor saved meanwhile is kept; the selectors are never the author's to change.
    A deleted stub cannot be edited."""
    if annotation.is_deleted:
        raise NotAllowed(DELETED)
    _require_words(changes.get("kind", annotation.kind), changes.get("body", annotation.body))
    if "visibility" in changes:
        annotation.change_visibility(changes["visibility"])
    columns = [name for name in ("body", "kind", "dimension") if name in changes]
    for name in columns:
        setattr(annotation, name, changes[name])
    annotation.save(update_fields=[*columns, "updated_at"])
    if "subjects" in changes:
        annotation.subjects.set(changes["subjects"])
    if "tags" in changes:
        tags_set(annotation, changes["tags"])
    return annotation


def reply_update(reply: Annotation, *, body: str) -> Annotation:
    if reply.is_deleted:
        raise NotAllowed(DELETED)
    reply.body = body
    reply.save(update_fields=["body", "updated_at"])
    return reply


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
    """Mark or unmark as helpful; returns whether it is now marked. Raises NotAllowed for
    one's own annotation, ratelimit.RateLimited past the limit (each mark and unmark
    counts)."""
    if annotation.author_id == user.pk:
        raise NotAllowed(OWN_HELPFUL)
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


def flag_check(annotation: Annotation, reporter) -> None:
    """Anyone who sees an annotation may flag it, except its author."""
    if annotation.author_id == reporter.pk:
        raise NotAllowed(OWN_FLAG)


@transaction.atomic
def flag_create(
    *, annotation: Annotation, reporter, reason: str, details: str = ""
) -> tuple[Flag, bool]:
    """Flag once: flagging the same annotation again changes nothing and returns the first
    flag (and False). Raises NotAllowed for one's own annotation and for "Something else"
    without details, ratelimit.RateLimited past the flag limit."""
    flag_check(annotation, reporter)
    if reason == Flag.Reason.OTHER and not details.strip():
        raise NotAllowed(FLAG_NEEDS_DETAILS, field="details")
    existing = annotation.flags.filter(reporter=reporter).first()
    if existing is not None:
        return existing, False
    ratelimit.check(reporter, "flag")
    flag, created = Flag.objects.get_or_create(
        annotation=annotation, reporter=reporter, defaults={"reason": reason, "details": details}
    )
    if created:
        signals.flag_raised.send(sender=Flag, flag=flag)
    return flag, created


@transaction.atomic
def annotation_moderate(*, annotation: Annotation, actor, action: str, reason: str = ""):
    """Apply one moderation action and record it. Nothing is destroyed by hiding; a delete
    keeps the audit row, with a snapshot of the words. Raises NotAllowed for a hide without
    a reason (its author sees it) and for pinning or locking a reply."""
    Action = ModerationAction.Action
    if action == Action.HIDE and not reason.strip():
        raise NotAllowed(HIDE_NEEDS_REASON, field="reason")
    if annotation.is_reply and action in (Action.PIN, Action.UNPIN, Action.LOCK, Action.UNLOCK):
        raise NotAllowed(REPLY_NOT_PINNED)
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


# --- leaving: a student removed from a class, or deleting their account --------------------


def annotations_leave(*, classroom: Classroom, author: User) -> None:
    """Apply the class's choice to what `author` wrote there. Private notes always go; their
    replies always go; a note that classmates replied to stays as an empty "deleted" stub, so
    the replies keep their thread. With "anonymise", the rest stays, credited to the
    "Former student" account. Helpful marks go; flags they raised stay (the moderation queue
    needs them), reported by "Former student"; the audit trail keeps its snapshot of the
    words but no longer names them."""
    written = Annotation.objects.filter(assignment__classroom=classroom, author=author)
    former = User.objects.former_student()
    removing = classroom.leaving_annotations == Classroom.LeavingAnnotations.REMOVE
    going = written if removing else written.filter(visibility=Annotation.Visibility.PRIVATE)
    going.filter(parent__isnull=False).delete()
    notes = going.filter(parent__isnull=True)
    replied_to = list(notes.filter(replies__isnull=False).values_list("pk", flat=True).distinct())
    Tag.objects.filter(annotation_id__in=replied_to).delete()
    Annotation.objects.filter(pk__in=replied_to).update(
        is_deleted=True, body="", author=former, updated_at=timezone.now()
    )
    notes.exclude(pk__in=replied_to).delete()
    links = Link.objects.filter(assignment__classroom=classroom, author=author)
    marks = Helpful.objects.filter(annotation__assignment__classroom=classroom, user=author)
    # Cards that change show it on classmates' live panels (annotations.live).
    now = timezone.now()
    linked = links.values_list("source_id", "target_id")
    Annotation.objects.filter(
        Q(pk__in=marks.values("annotation_id"))
        | Q(pk__in=[pk for pair in linked for pk in pair] if removing else [])
    ).update(updated_at=now)
    if removing:
        links.delete()
    else:
        written.update(author=former, updated_at=now)
        links.update(author=former)
    marks.delete()
    flags = Flag.objects.filter(annotation__assignment__classroom=classroom, reporter=author)
    flags.filter(annotation__flags__reporter=former).delete()  # one flag each per note
    flags.update(reporter=former)
    ModerationAction.objects.filter(classroom=classroom, annotation_author=author).update(
        annotation_author=None
    )


def account_annotations_leave(*, user: User) -> None:
    """An account is being deleted: what it wrote in each class goes as that class is set."""
    for classroom in Classroom.objects.filter(assignments__annotations__author=user).distinct():
        annotations_leave(classroom=classroom, author=user)
