"""Outlines made the way the builder makes them, for the essays tests."""

from essays import builder
from essays.services import builder_material, make_selection, outline_create, selection_record
from tests.annotations.helpers import annotate


def make_outline(assignment, student, cast):
    keys = [
        f"annotation:{annotate(assignment, student, subjects=[subject], dimension=d).pk}"
        for d in (cast["leadership"], cast["foreign"])
        for subject in (cast["stalin"], cast["khrushchev"])
    ]
    selection = make_selection(
        builder_material(assignment, student),
        dimension_ids=[cast["leadership"].pk, cast["foreign"].pk],
        cell_ids=[],
        evidence_keys=keys,
        structure="point_by_point",
        stance="differences",
    )
    return outline_create(
        assignment=assignment,
        author=student,
        draft=builder.build(selection),
        selection_data=selection_record(selection, keys),
    )
