"""Outlines made the way the builder makes them, for the essays tests."""

from essays import builder
from essays.services import builder_material, make_selection, outline_create, selection_record
from tests.annotations.helpers import annotate


def outline_from(assignment, author, keys, dimension_ids):
    """An outline as the builder makes it (point by point, differences) from evidence keys."""
    selection = make_selection(
        builder_material(assignment, author),
        dimension_ids=dimension_ids,
        cell_ids=[],
        evidence_keys=keys,
        structure="point_by_point",
        stance="differences",
    )
    return outline_create(
        assignment=assignment,
        author=author,
        draft=builder.build(selection),
        selection_data=selection_record(selection, keys),
    )


def make_outline(assignment, student, cast):
    keys = [
        f"annotation:{annotate(assignment, student, subjects=[subject], dimension=d).pk}"
        for d in (cast["leadership"], cast["foreign"])
        for subject in (cast["stalin"], cast["khrushchev"])
    ]
    return outline_from(assignment, student, keys, [cast["leadership"].pk, cast["foreign"].pk])
