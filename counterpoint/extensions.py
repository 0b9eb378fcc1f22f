"""What the platform announces and asks, for the apps above it to fill (the platform imports
none of them). Each app adds its entries from its `AppConfig.ready()`; access rules have
their own registry (`counterpoint.permissions.register`).

`class_page_cards`: callables `(classroom) -> dict | None`, asked when a teacher opens the
class page. A dict names a `template` (rendered in the page's settings column with the dict
as `card`); None shows nothing.

`personal_data_sections`: callables `(user, request) -> iterable of (key, data)` whose entries
make up the person's "Download my data" document (`request` makes links absolute).

`class_counts`: {name: callable `(classroom) -> expression`}; the teacher's dashboard
annotates each class with them (`classroom` is an OuterRef to the class), as
`membership.<name>`.

`assignment_progress`: {name: callable `(assignment, user) -> expression`}; the student's
dashboard annotates each assignment with them (`assignment` is an OuterRef), as
`assignment.<name>`; `Assignment.student_status` reads them.

`member_leaving` (signal, sender Classroom, `classroom` and `user`): a student is leaving a
class (removed, or deleting their account); each app handles its own rows in the same
transaction. `account_deleting` (signal, sender User, `user`): an account is about to be
deleted; each app handles the rows a cascade would not.

`profile_page_cards`: callables `(user) -> dict | None`, asked when a person opens their
account page. A dict names a `template` (rendered under the account form with the dict as
`card`); None shows nothing.
"""

from django.dispatch import Signal

class_page_cards = []

profile_page_cards = []

personal_data_sections = []

class_counts = {}

assignment_progress = {}

member_leaving = Signal()

account_deleting = Signal()
