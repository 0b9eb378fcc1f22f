"""The essays API: serializers (shape) and views (routes); `counterpoint.urls` mounts
`routes` and the gradebook view."""

from essays.api.views import GradebookCSVView, routes

__all__ = ["GradebookCSVView", "routes"]
