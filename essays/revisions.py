"""A readable diff between two frozen revisions of an outline: what changed in the thesis,
in each section's claim and reasoning, and in its evidence. Plain data in, plain data out."""

import difflib
from dataclasses import dataclass, field


@dataclass
class Change:
    label: str  # "Thesis", "Leadership style: claim", "Leadership style: evidence"
    kind: str  # "changed" | "added" | "removed"
    words: list[tuple[str, str]] = field(default_factory=list)  # (equal|delete|insert, text)
    # Which text changed, as a comment on exact words names it: ("thesis", ""), ("claim",
    # section key), ...; ("", "") for a title, a whole section or evidence.
    where: tuple[str, str] = ("", "")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Words kept, deleted and inserted, in order, for showing with <del> and <ins>."""
    a, b = old.split(), new.split()
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(("equal", " ".join(a[i1:i2])))
        if op in ("delete", "replace"):
            parts.append(("delete", " ".join(a[i1:i2])))
        if op in ("insert", "replace"):
            parts.append(("insert", " ".join(b[j1:j2])))
    return parts


def _text_change(label, old, new, where=("", "")):
    if (old or "").strip() == (new or "").strip():
        return None
    kind = "added" if not old else "removed" if not new else "changed"
    return Change(label, kind, word_diff(old or "", new or ""), where)


def _evidence_text(item):
    quote = f"“{item['quote']}”" if item.get("quote") else item.get("note", "")
    return f"{quote} ({item.get('citation', '')}) {item.get('commentary', '')}".strip()


def diff(old: dict, new: dict) -> list[Change]:
    changes = []
    for label, name in (("Title", "title"), ("Thesis", "thesis")):
        where = (name, "") if name == "thesis" else ("", "")
        change = _text_change(label, old.get(name, ""), new.get(name, ""), where)
        if change:
            changes.append(change)
    old_sections = {s["key"]: s for s in old.get("sections", [])}
    new_sections = {s["key"]: s for s in new.get("sections", [])}
    for key in list(old_sections) + [k for k in new_sections if k not in old_sections]:
        before, after = old_sections.get(key), new_sections.get(key)
        heading = (after or before)["heading"]
        if before is None:
            changes.append(Change(f"{heading}", "added", [("insert", after.get("claim", ""))]))
            continue
        if after is None:
            changes.append(Change(f"{heading}", "removed", [("delete", before.get("claim", ""))]))
            continue
        for part in ("claim", "reasoning", "paragraph"):
            change = _text_change(
                f"{heading}: {part}", before.get(part), after.get(part), (part, key)
            )
            if change:
                changes.append(change)
        old_items = {e["key"]: e for e in before.get("evidence", [])}
        new_items = {e["key"]: e for e in after.get("evidence", [])}
        for item_key in list(old_items) + [k for k in new_items if k not in old_items]:
            change = _text_change(
                f"{heading}: evidence",
                _evidence_text(old_items[item_key]) if item_key in old_items else "",
                _evidence_text(new_items[item_key]) if item_key in new_items else "",
            )
            if change:
                changes.append(change)
    return changes
