"""What the platform announces to the apps above it (they listen; it imports none of them).

`coteacher_invited(invitation)` is sent inside the transaction that creates a co-teacher
invitation (not when asking again changes nothing).
"""

from django.dispatch import Signal

coteacher_invited = Signal()
