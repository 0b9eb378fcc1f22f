import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.factories import comparison_with_content

pytestmark = pytest.mark.django_db

@pytest.mark.parametrize(("s", "p"), [(1, 1), (8, 10)])
def test_probe(client, teacher, s, p):
    c = comparison_with_content(teacher, sections=s, passages_per_section=p)
    client.force_login(teacher)
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(reverse("comparisons:edit", args=[c.pk]))
    print(r.status_code, len(ctx.captured_queries))
    for q in ctx.captured_queries[:14]:
        print(q["sql"][:150])
