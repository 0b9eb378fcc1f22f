"""`?next=` after signing up or logging in stays on this site: no open redirect to a
look-alike login page."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

OFFSITE = ["https://evil.example/login", "//evil.example/", "javascript:alert(1)"]


def signup(client, next_url):
    return client.post(
        f"{reverse('signup')}?next={next_url}",
        {
            "display_name": "New Person",
            "email": "new@example.test",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )


@pytest.mark.parametrize("next_url", OFFSITE)
def test_signing_up_never_redirects_off_the_site(client, next_url):
    response = signup(client, next_url)

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_signing_up_follows_a_next_on_this_site(client):
    response = signup(client, "/classes/join/?code=ABCD-EFGH")

    assert response["Location"] == "/classes/join/?code=ABCD-EFGH"


@pytest.mark.parametrize("next_url", OFFSITE)
def test_logging_in_never_redirects_off_the_site(client, next_url):
    from tests.factories import PASSWORD, UserFactory

    user = UserFactory()
    response = client.post(
        reverse("login"), {"username": user.email, "password": PASSWORD, "next": next_url}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
