"""The sign-in backend: Django's ModelBackend, with the signed-in user read by a query kept
compiled.

Every request reads its user, by the id its session holds. Building `User.objects.get(pk=…)`
costs Django more CPU than PostgreSQL spends answering it, so the lookup is one of the hot
queries kept compiled (`counterpoint.lib.compiled`, docs/decisions.md); the row becomes a
user as the ORM would make it. Everything else (passwords, permissions, inactive users) is
ModelBackend's own.

Django's ModelBackend stays listed after this one only so that sessions signed in before it
keep working (a session names the backend that signed it in); it signs nobody in.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from counterpoint.lib import compiled

PATH = "counterpoint.backends.UserBackend"


class UserBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            # Refused here is refused: asking the ModelBackend listed after this one would
            # only hash the password a second time.
            raise PermissionDenied
        return user

    def get_user(self, user_id):
        if not isinstance(user_id, int) or isinstance(user_id, bool):
            return super().get_user(user_id)
        model = get_user_model()
        paths = [("", model)]
        columns = compiled.related_columns(paths)
        found = compiled.rows(
            ("signed-in user",),
            lambda pk: model._default_manager.filter(pk=pk).values_list(*columns),
            pk=user_id,
        )
        if not found:
            return None
        (user,), _ = compiled.related_instances(found[0], paths)
        return user if self.user_can_authenticate(user) else None
