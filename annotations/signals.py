"""What annotations announces to the apps above it (they listen; annotations imports none).

Each is sent inside the transaction of the write it reports, so a listener's rows commit or
roll back with it.

`annotation_posted(annotation)`: a note, a teacher's prompt or a reply was created
(`annotation.is_prompt`, `annotation.parent` tell which).

`flag_raised(flag)`: a student flagged a note or reply for the first time (flagging the same
one again sends nothing).
"""

from django.dispatch import Signal

annotation_posted = Signal()
flag_raised = Signal()
