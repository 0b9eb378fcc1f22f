"""Rendered cards kept in the shared cache, so that forty classmates who see the same card
cost one render of it, not forty.

A kept card is found by a key that is a digest of everything the card template reads: the
card's own fields (body, quote, kind, visibility, hidden state and reason, locks, its place in
the text, subjects, tags, dimension, helpful count, author's name), the replies and links the
viewer's query returned (each with what the card shows of it), the few bits that depend on the
viewer (their own card or reply, helpful by them, flagged by them, teacher controls), the class
it links to, the active time zone and language, and the card template's own source. So the
HTML under a key is a function of the key's content alone: a card that is edited, hidden,
shown again, made private or deleted has another key, and a viewer can only ever be served
HTML made from rows their own visibility-filtered query returned. There is nothing to
invalidate, and a stale entry cannot be served; old entries simply expire.

The one per-request value in a card, the CSRF token of its forms, is rendered as a
placeholder and replaced with the viewer's own token on the way out.

The cache is the `fragments` alias (counterpoint.settings): Redis when REDIS_URL is set,
shared by every worker and server, otherwise memory in each worker (the keys make that safe,
only less shared). Cards rendered with a reply error or the text of a failed reply are never
kept.
"""

import hashlib
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone, translation

CARD_TEMPLATE = "annotations/_card.html"

# Replaced by the viewer's CSRF token after the cache: nothing a user can type contains it
# (a NUL-free ASCII word that template escaping leaves as it is).
CSRF_PLACEHOLDER = "csrf-placeholder-3c1e7a9f0b"

# Kept cards expire after a day: an edited card leaves its old entry behind, unused.
TIMEOUT = 24 * 3600


def cache():
    return caches["fragments"]


@lru_cache(maxsize=8)
def template_version(name: str = CARD_TEMPLATE) -> str:
    """A digest of a kept card's template source (the reading page's card unless named): a
    deploy that changes it changes every key."""
    digest = hashlib.sha256()
    for directory in settings.TEMPLATES[0]["DIRS"]:
        path = Path(directory) / name
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _stamp(value) -> str:
    return value.isoformat() if value is not None else ""


def card_facts(card, *, viewer_id, is_teacher, classroom_id) -> tuple:
    """Everything annotations/_card.html reads of `card` (decorated by panel.decorate) for
    this viewer, as plain values. Keep in step with the template: a value it shows that is
    missing here would let two different cards share a key."""
    return (
        card.pk,
        _stamp(card.updated_at),
        _stamp(card.created_at),
        card.kind,
        card.visibility,
        card.is_prompt,
        card.is_pinned,
        card.is_hidden,
        card.hidden_reason,
        card.is_orphaned,
        card.is_deleted,
        card.is_locked,
        card.passage_id,
        card.start,
        card.end,
        card.exact,
        card.body,
        card.colour,
        card.number,
        card.by_teacher,
        card.author_id,
        card.author.display_name,
        getattr(card, "helpful_count", 0),
        # The viewer-dependent bits.
        card.author_id == viewer_id,
        bool(getattr(card, "marked_helpful", False)),
        bool(getattr(card, "flagged_by_me", False)),
        bool(is_teacher),
        classroom_id,
        tuple((s.pk, s.name, s.colour) for s in card.subject_list),
        (card.dimension.pk, card.dimension.name) if card.dimension_id else None,
        tuple(card.tag_names),
        tuple(
            (
                link.pk,
                link.relation,
                link.dimension.name if link.dimension_id else None,
                link.explanation,
                other.pk,
                other.exact,
                other.author.display_name,
            )
            for link, other in card.link_list
        ),
        tuple(
            (
                reply.pk,
                _stamp(reply.updated_at),
                _stamp(reply.created_at),
                reply.is_deleted,
                reply.author.display_name,
                reply.by_teacher,
                reply.is_private_reply,
                reply.is_hidden,
                reply.hidden_reason,
                reply.body,
                reply.author_id == viewer_id,
            )
            for reply in card.visible_replies
        ),
    )


def card_key(card, *, viewer_id, is_teacher, classroom_id) -> str:
    facts = (
        template_version(),
        timezone.get_current_timezone_name(),
        translation.get_language(),
        card_facts(card, viewer_id=viewer_id, is_teacher=is_teacher, classroom_id=classroom_id),
    )
    return "card:" + hashlib.sha256(repr(facts).encode()).hexdigest()


def _render(request, card, *, assignment, is_teacher, reply_error, reply_text, csrf_token):
    # Rendered without the request's context processors: the card reads only `user.pk` of
    # them, and the rest (navigation, inbox) would only cost time here.
    return render_to_string(
        CARD_TEMPLATE,
        {
            "card": card,
            "assignment": assignment,
            "is_teacher": is_teacher,
            "reply_error": reply_error,
            "reply_text": reply_text,
            "user": request.user,
            "csrf_token": csrf_token,
        },
    )


def cards_html(request, cards, *, assignment, is_teacher) -> list[str]:
    """The HTML of each of `cards` (decorated) for the viewer of `request`, from the cache
    where another viewer with the same view of it (or this one) has rendered it before; the
    others rendered and kept. One round trip to the cache for the lot, one to keep the new."""
    if not cards:
        return []
    viewer_id = request.user.pk
    keys = [
        card_key(
            card,
            viewer_id=viewer_id,
            is_teacher=is_teacher,
            classroom_id=assignment.classroom_id,
        )
        for card in cards
    ]
    found = cache().get_many(keys)
    missing = {}
    htmls = []
    for key, card in zip(keys, cards, strict=True):
        html = found.get(key)
        if html is None:
            html = _render(
                request,
                card,
                assignment=assignment,
                is_teacher=is_teacher,
                reply_error=None,
                reply_text="",
                csrf_token=CSRF_PLACEHOLDER,
            )
            missing[key] = html
        htmls.append(html)
    if missing:
        cache().set_many(missing, TIMEOUT)
    token = get_token(request)
    return [html.replace(CSRF_PLACEHOLDER, token) for html in htmls]


def card_html(request, card, *, assignment, is_teacher, reply_error=None, reply_text=""):
    """One card: kept like the others unless it carries a failed reply's error and text
    (those belong to this request alone)."""
    if reply_error or reply_text:
        return _render(
            request,
            card,
            assignment=assignment,
            is_teacher=is_teacher,
            reply_error=reply_error,
            reply_text=reply_text,
            csrf_token=get_token(request),
        )
    return cards_html(request, [card], assignment=assignment, is_teacher=is_teacher)[0]
