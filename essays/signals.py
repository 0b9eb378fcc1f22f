"""What essays announces to the apps above it (they listen; essays imports none of them).

`feedback_released` is sent, after the database commit, when a teacher releases feedback:
for one outline from its review page, or for the whole class. `outlines` lists the outlines
whose feedback students can now see.

`submission_row_notes` is a registry: each callable there is given the assignment and the
submissions page's rows and may append short notes (plain text) to a row's "notes" list,
shown under the student's score.
"""

from django.dispatch import Signal

feedback_released = Signal()

submission_row_notes = []
