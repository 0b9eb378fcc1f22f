"""Security headers on every response, no inline script or style in any template, and a
production configuration that `manage.py check --deploy` passes without a warning."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


@pytest.mark.parametrize("path", ["/accounts/login/", "/api/docs/", "/healthz"])
def test_every_response_carries_a_strict_content_security_policy(client, db, path):
    response = client.get(path)

    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert "unsafe" not in response["Content-Security-Policy"]


def test_pages_cannot_be_framed_and_do_not_leak_referrers_or_sniff_types(client, db):
    response = client.get("/accounts/login/")

    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_api_docs_page_has_no_inline_script_or_style(client, db):
    page = client.get("/api/docs/").content.decode()
    script = client.get("/api/docs/?script=")

    assert "<style" not in page
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page) is None
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


INLINE = {
    "an inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "an inline <style>": re.compile(r"<style\b", re.I),
    "a style attribute": re.compile(r"\sstyle\s*=", re.I),
    "an event handler attribute": re.compile(r"\son[a-z]+\s*=", re.I),
    "a javascript: URL": re.compile(r"javascript:", re.I),
    "htmx inline code (hx-on, js:)": re.compile(r"hx-on|hx-vals\s*=\s*['\"]js:", re.I),
}


def test_no_template_has_inline_script_style_or_handlers():
    """The CSP would block them: each must be a file under static/ instead."""
    found = [
        f"{path.relative_to(ROOT)}: {what}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for what, pattern in INLINE.items()
        if pattern.search(
            re.sub(r"{% comment %}.*?{% endcomment %}", "", path.read_text(), flags=re.S)
        )
    ]
    assert found == []


def test_login_throttling_backend_comes_first():
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"


def test_check_deploy_passes_with_production_settings():
    """The settings a deployment uses (README, Deployment): no warning, nothing silenced."""
    environ = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"))
    }
    environ.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="school.example",
        CSRF_TRUSTED_ORIGINS="https://school.example",
        DJANGO_SETTINGS_MODULE="counterpoint.settings",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert settings.SILENCED_SYSTEM_CHECKS == []
