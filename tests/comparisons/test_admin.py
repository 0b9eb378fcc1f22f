"""The Django admin: every model of Counterpoint's apps is registered (the README promises
it), and every registered model's list, search and add pages open for a superuser."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from comparisons.models import Comparison, Contrast, Dimension, Passage, Section, Subject
from tests.factories import AssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    user = UserFactory(display_name="Ada Admin")
    user.is_staff = True
    user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    return user


@pytest.fixture
def superuser_client(client, superuser, assignment):
    """Logged in as a superuser, with a comparison, its content and an assignment to list."""
    client.force_login(superuser)
    return client


def admin_url(model, page):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}")


# Counterpoint's own apps; third-party apps (django-lti, axes, DRF's tokens) choose for theirs.
OUR_APPS = {"counterpoint", "comparisons", "annotations", "essays", "lti", "notifications"}


def our_models():
    return [model for model in apps.get_models() if model._meta.app_label in OUR_APPS]


def registered_models():
    """Every model, from the app registry (not the admin's own list, which cannot notice a
    model it lacks): ours all, and the third-party ones their apps register."""
    return sorted(
        (m for m in apps.get_models() if m in our_models() or admin.site.is_registered(m)),
        key=lambda model: model._meta.label,
    )


def test_every_model_of_our_apps_is_in_the_admin():
    missing = [m._meta.label for m in our_models() if not admin.site.is_registered(m)]

    assert our_models()
    assert missing == []


def test_every_models_list_opens(superuser_client):
    for model in registered_models():
        response = superuser_client.get(admin_url(model, "changelist"))

        assert response.status_code == 200, model._meta.label


def test_every_models_list_can_be_searched(superuser_client):
    for model in registered_models():
        response = superuser_client.get(admin_url(model, "changelist"), {"q": "x"})

        assert response.status_code == 200, model._meta.label


def test_every_models_add_page_opens(superuser_client, rf, superuser):
    request = rf.get("/")
    request.user = superuser
    for model in registered_models():
        response = superuser_client.get(admin_url(model, "add"))

        # Some admins refuse adding on purpose (django-axes' login attempts are only recorded).
        addable = admin.site.get_model_admin(model).has_add_permission(request)
        assert response.status_code == (200 if addable else 403), model._meta.label


@pytest.mark.parametrize("model", [Comparison, Subject, Dimension, Contrast, Section, Passage])
def test_change_page_of_each_comparison_model_opens(superuser_client, model):
    item = model.objects.first()

    response = superuser_client.get(
        reverse(f"admin:comparisons_{model._meta.model_name}_change", args=[item.pk])
    )

    assert response.status_code == 200


def test_search_finds_a_comparison_by_its_authors_name(superuser_client):
    AssignmentFactory()  # a comparison by someone else, which the search must leave out

    response = superuser_client.get(admin_url(Comparison, "changelist"), {"q": "Ms Teacher"})

    assert response.context["cl"].result_count == 1


def test_staff_without_permissions_cannot_open_the_comparison_admin(client, comparison):
    staff = UserFactory()
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    client.force_login(staff)

    response = client.get(admin_url(Comparison, "changelist"))

    assert response.status_code == 403


def test_non_staff_user_is_sent_to_the_admin_login(client, teacher):
    client.force_login(teacher)

    response = client.get(admin_url(Comparison, "changelist"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
