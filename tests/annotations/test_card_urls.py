"""The card template's `pk_url` gives exactly what `{% url %}` gives."""

import pytest
from django.urls import reverse

from annotations.templatetags.card_urls import pk_url

ROUTES = [
    "annotations:reply",
    "annotations:link",
    "annotations:helpful",
    "annotations:flag",
    "annotations:edit",
    "annotations:delete",
    "annotations:card",
]


@pytest.mark.parametrize("name", ROUTES)
@pytest.mark.parametrize("pk", [1, 42, 2_147_483_646])
def test_pk_url_is_the_reversed_url(name, pk):
    assert pk_url(name, pk) == reverse(name, args=[pk])


def test_pk_url_refuses_what_is_not_an_id():
    with pytest.raises(ValueError):
        pk_url("annotations:reply", "1/../../admin")
