"""What essays announces to the apps above it (they listen; essays imports none of them).

`feedback_released` is sent, after the database commit, when a teacher releases feedback:
for one outline from its review page, or for the whole class. `outlines` lists the outlines
whose feedback students can now see.

`work_moved(outline, action)` is sent inside the transaction that moves an outline or a
draft: `action` is "submit", "resubmit", "return" or "accept".

`comment_answered(comment)` is sent inside the transaction that saves a student's answer to
a teacher's comment (addressed or won't fix, with their reply).

`submission_row_notes` is a registry: each callable there is given the assignment and the
submissions page's rows and may append short notes (plain text) to a row's "notes" list,
shown under the student's score.
"""

from django.dispatch import Signal

feedback_released = Signal()
work_moved = Signal()
comment_answered = Signal()

submission_row_notes = []
