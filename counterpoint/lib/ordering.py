"""Moving one item up or down in an ordered list, for every reorderable thing."""


def moved(ids: list[int], item_id: int, delta: int) -> list[int]:
    """Return ids with item_id moved by delta places, clamped to the ends.

    >>> moved([1, 2, 3], 3, -1)
    [1, 3, 2]
    """
    if item_id not in ids:
        raise ValueError(f"{item_id} is not in the list")
    result = [i for i in ids if i != item_id]
    index = max(0, min(len(result), ids.index(item_id) + delta))
    result.insert(index, item_id)
    return result


def save_order(queryset, ordered_ids: list[int]) -> None:
    """Write order = position for each row, touching only rows whose order changed."""
    rows = {row.pk: row for row in queryset}
    changed = []
    for position, pk in enumerate(ordered_ids):
        row = rows[pk]
        if row.order != position:
            row.order = position
            changed.append(row)
    queryset.model.objects.bulk_update(changed, ["order"])
