"""Messages built around a title or a name, which may bring its own punctuation."""

# A title like 'How was Athens different from Sparta?' already ends its sentence; a closing
# quote or bracket after the mark ('... "Why?"') does not change that.
_ENDINGS = ".?!…"
_CLOSERS = "\"'”’)]»"


def ends_a_sentence(text: str) -> bool:
    return text.rstrip().rstrip(_CLOSERS).endswith(tuple(_ENDINGS))


def sentences(*parts: str) -> str:
    """Join parts into sentences, adding a full stop only where a part has no ending of its own.

    `sentences(f"Imported {title}", "Check it, then publish it.")` gives "Imported From
    Sparta? Check it, then publish it." rather than "...From Sparta?. Check it...".
    """
    return " ".join(
        part if ends_a_sentence(part) else f"{part}."
        for part in (part.rstrip() for part in parts)
        if part
    )
