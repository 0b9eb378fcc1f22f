"""The builder tray's annotation cards, rendered once and kept in the shared cache, so that a
class opening the builder costs one render of each classmate's note, not one per student.

A kept card is found by a key that is a digest of everything essays/_tray_card.html reads:
the note's own fields as the viewer's material has them (kind, quote, body, citation,
subjects, dimension, author's name, private or not), the two bits that depend on the viewer
(their own note, ticked or not), the reading page it links to, the language, and the card
template's source. So the HTML under a key is a function of the key's content alone, made
only from rows the viewer's own visibility-filtered material returned: an edited, hidden or
deleted note has another key (or no card), and there is nothing to invalidate. The cache is
the `fragments` alias, as for the reading page's cards (annotations.fragments).
"""

import hashlib

from django.template.loader import get_template
from django.utils import translation
from django.utils.safestring import mark_safe

from annotations import fragments

CARD_TEMPLATE = "essays/_tray_card.html"

# Kept cards expire after a day: an edited note leaves its old card behind, unused.
TIMEOUT = 24 * 3600


def card_facts(annotation, *, checked: bool, reading_url: str) -> tuple:
    """Everything the card template reads of `annotation` (a tray Source, decorated by the
    builder page) for this viewer, as plain values. Keep in step with the template: a value
    it shows that is missing here would let two different cards share a key."""
    return (
        annotation.pk,
        annotation.kind,
        annotation.exact,
        annotation.body,
        annotation.citation,
        annotation.mine,
        annotation.author.display_name,
        annotation.is_private,
        tuple((s.colour, s.name) for s in annotation.subject_list),
        annotation.dimension.name if annotation.dimension is not None else None,
        checked,
        reading_url,
    )


def decorate(annotations, *, chosen, reading_url: str) -> None:
    """Set `card_html` on each tray annotation: kept HTML where a card with the same facts was
    rendered before, else rendered now (and kept)."""
    version, language = fragments.template_version(CARD_TEMPLATE), translation.get_language()
    keys = {}
    for annotation in annotations:
        facts = (
            version,
            language,
            card_facts(annotation, checked=annotation.key in chosen, reading_url=reading_url),
        )
        keys[annotation.pk] = "tray:" + hashlib.sha256(repr(facts).encode()).hexdigest()
    cache = fragments.cache()
    kept = cache.get_many(list(keys.values())) if keys else {}
    made, template = {}, None
    for annotation in annotations:
        key = keys[annotation.pk]
        html = kept.get(key)
        if html is None:
            template = template or get_template(CARD_TEMPLATE)
            context = {
                "a": annotation,
                "checked": annotation.key in chosen,
                "reading_url": reading_url,
            }
            html = made[key] = template.render(context).strip()
        annotation.card_html = mark_safe(html)  # rendered by the template, escaped there
    if made:
        cache.set_many(made, TIMEOUT)
