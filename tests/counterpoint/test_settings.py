"""Settings refuse to start insecurely, and read the environment strictly."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from counterpoint.lib import env

ROOT = Path(__file__).resolve().parents[2]


def load_settings(**environ):
    """Import the real settings in a fresh interpreter with exactly this environment."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "CSRF_TRUSTED_ORIGINS"}
    }
    clean.update(environ)
    code = (
        "import json; from counterpoint import settings as s; "
        "print(json.dumps({k: getattr(s, k, None) for k in ["
        "'DEBUG','SESSION_COOKIE_SECURE','CSRF_COOKIE_SECURE','SECURE_HSTS_SECONDS',"
        "'SECURE_SSL_REDIRECT','ALLOWED_HOSTS','CSRF_TRUSTED_ORIGINS']}))"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_production_without_a_secret_key_refuses_to_start():
    result = load_settings(DEBUG="false")

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_sets_secure_cookies_and_hsts():
    import json

    result = load_settings(
        DEBUG="false",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="school.example",
        CSRF_TRUSTED_ORIGINS="https://school.example",
    )

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["ALLOWED_HOSTS"] == ["school.example"]
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://school.example"]


def test_development_runs_without_a_secret_key():
    result = load_settings(DEBUG="true")

    assert result.returncode == 0, result.stderr


def test_a_misspelt_boolean_fails_loudly(monkeypatch):
    monkeypatch.setenv("DEBUG", "ture")

    with pytest.raises(ImproperlyConfigured, match="DEBUG must be true or false"):
        env.env_bool("DEBUG")


def test_a_bad_number_fails_loudly(monkeypatch):
    monkeypatch.setenv("JOIN_CODE_LIFETIME_DAYS", "soon")

    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env.env_int("JOIN_CODE_LIFETIME_DAYS", 60)


def test_lists_are_comma_separated(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", "a.example, b.example,")

    assert env.env_list("ALLOWED_HOSTS") == ["a.example", "b.example"]


def test_database_url_switches_to_postgresql():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from counterpoint import settings as s; print(s.DATABASES['default']['ENGINE'])",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "DEBUG": "true", "DATABASE_URL": "postgres://u:p@db:5432/cp"},
    )

    assert result.stdout.strip() == "django.db.backends.postgresql"
