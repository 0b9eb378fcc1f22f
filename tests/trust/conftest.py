import pytest
from django.db import transaction

from tests.trust import world as world_module


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The shared world (tests/trust/world.py), built once per test module inside a
    transaction that is rolled back when the module is done. Each test still runs in its
    own transaction (the `db` fixture), so nothing one test writes reaches the next."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield world_module.build()
        transaction.set_rollback(True)
