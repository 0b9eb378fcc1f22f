"""Registries the apps above the platform fill (the platform imports none of them).

`class_page_cards`: callables `(classroom) -> dict | None`, asked when a teacher opens the
class page. A dict names a `template` (rendered in the page's settings column with the dict
as `card`); None shows nothing.

`profile_page_cards`: callables `(user) -> dict | None`, asked when a person opens their
account page. A dict names a `template` (rendered under the account form with the dict as
`card`); None shows nothing.

`personal_data_sections`: callables `(user) -> iterable of (key, data)` whose entries are
added to the person's "Download my data" document.
"""

class_page_cards = []

profile_page_cards = []

personal_data_sections = []
