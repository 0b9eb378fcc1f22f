"""django-axes with a second, wider limit: failed logins from one address across accounts.

Axes counts failures per account and address (five lock that pair out). Someone trying one
common password against many accounts (password spraying) never fails five times for one
account, so we also count every failure from the address, whatever the account, and lock the
address out once there are `LOGIN_FAILURES_PER_ADDRESS` of them within the cool-off time.

Axes' own way of adding "ip_address" to AXES_LOCKOUT_PARAMETERS would use the same limit
of five for the whole address, and a school's pupils share one address: five typos in a
quarter of an hour would lock the whole school out. So the per-address count has its own,
larger limit, and the lockout itself (page, cool-off, reset) stays axes'.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


class AddressAwareHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        per_account = super().get_failures(request, credentials)
        recent = AccessAttempt.objects.filter(
            ip_address=request.axes_ip_address,
            attempt_time__gte=get_cool_off_threshold(request),
        )
        per_address = recent.aggregate(n=Sum("failures_since_start"))["n"] or 0
        if per_address >= settings.LOGIN_FAILURES_PER_ADDRESS:
            # Report at least axes' own limit, so that axes locks the request out.
            return max(per_account, get_failure_limit(request, credentials))
        return per_account
