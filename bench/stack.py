"""Starting and stopping what the benchmark and the checks run against: a database of their own
on the local PostgreSQL, gunicorn app servers and nginx. Standard library only (plus the
project's virtualenv for gunicorn and manage.py).

Every process started here is started in its own process group and remembered, so
`Stack.close()` (called on exit, also on Ctrl+C) stops exactly those and drops the database.
"""

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PG_HOST = os.environ.get("BENCH_PG_HOST", "127.0.0.1")
PG_PORT = os.environ.get("BENCH_PG_PORT", "5432")
APP_ROLE = "counterpoint"


def log(message: str) -> None:
    print(message, flush=True)


def psql_admin(sql: str, *, database: str = "postgres") -> str:
    """Run SQL as the PostgreSQL superuser: over TCP with trust auth, or as the postgres
    system user (the same two ways .ci/run uses)."""
    args = ["psql", "-v", "ON_ERROR_STOP=1", "-qtA", "-d", database, "-c", sql]
    tcp = subprocess.run(
        [*args, "-h", PG_HOST, "-p", PG_PORT, "-U", "postgres"], capture_output=True, text=True
    )
    if tcp.returncode == 0:
        return tcp.stdout.strip()
    local = subprocess.run(
        ["su", "postgres", "-c", " ".join(_quote(a) for a in [*args, "-p", PG_PORT])],
        capture_output=True,
        text=True,
    )
    if local.returncode != 0:
        raise RuntimeError(f"psql failed: {tcp.stderr.strip()} / {local.stderr.strip()}")
    return local.stdout.strip()


def _quote(arg: str) -> str:
    return "'" + arg.replace("'", "'\"'\"'") + "'"


def wait_for_postgres(timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        probe = subprocess.run(
            ["pg_isready", "-h", PG_HOST, "-p", PG_PORT, "-q"], capture_output=True
        )
        if probe.returncode == 0:
            return True
        time.sleep(0.5)
    return False


def get(url: str, *, headers=None, timeout: float = 10):
    """(status, headers, body) for a GET, without raising on 4xx/5xx."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def wait_for_http(url: str, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status, _, _ = get(url, timeout=2)
            if status == 200:
                return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


# --- CPU accounting (Linux /proc), so a run says what each request cost ----------------

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # utime, stime, cutime, cstime: the process and its waited-for children
    return sum(int(v) for v in fields[11:15]) / _TICKS


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def tree_cpu_seconds(pid: int) -> float:
    """CPU time used so far by a process and its live descendants (gunicorn and workers)."""
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        total += _cpu_seconds(current)
        todo += _children(current)
    return total


def postgres_cpu_seconds() -> float:
    """CPU time used so far by every PostgreSQL server process on the machine."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/comm"):
        try:
            if stat.read_text().strip() == "postgres":
                total += _cpu_seconds(int(stat.parent.name))
        except (OSError, ValueError):
            pass
    return total


class Stack:
    """One run's database, processes and temporary directory."""

    def __init__(self, name: str, *, database: str):
        self.name = name
        self.database = database
        self.dir = Path(tempfile.mkdtemp(prefix=f"counterpoint-{name}-"))
        self.processes: list[tuple[str, subprocess.Popen]] = []
        self.secret_key = secrets.token_urlsafe(50)
        self.created_database = False

    @property
    def database_url(self) -> str:
        return f"postgres://{APP_ROLE}:{APP_ROLE}@{PG_HOST}:{PG_PORT}/{self.database}"

    def env(self, **extra) -> dict:
        """The environment of a production-like app server on plain-HTTP loopback."""
        env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": self.secret_key,
            "DATABASE_URL": self.database_url,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "SECURE_HSTS_SECONDS": "0",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "counterpoint.settings",
        }
        env.pop("REDIS_URL", None)  # the shared cache is the database table unless asked
        env.update({k: str(v) for k, v in extra.items()})
        return env

    # --- the database -----------------------------------------------------------------

    def create_database(self) -> None:
        """A fresh database owned by the app's role (made if missing, as .ci/run does)."""
        if not wait_for_postgres():
            raise RuntimeError("PostgreSQL is not accepting connections on 127.0.0.1:5432")
        psql_admin(
            f"""DO $$ BEGIN
              IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
                CREATE ROLE {APP_ROLE} LOGIN CREATEDB PASSWORD '{APP_ROLE}';
              END IF;
            END $$;"""
        )
        psql_admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        psql_admin(f'CREATE DATABASE "{self.database}" OWNER {APP_ROLE}')
        self.created_database = True

    def manage(self, *args: str, env=None) -> None:
        subprocess.run(
            [str(VENV_BIN / "python"), "manage.py", *args],
            cwd=ROOT,
            env=env or self.env(),
            check=True,
        )

    def migrate(self) -> None:
        self.manage("migrate", "--noinput", "-v0")
        self.manage("createcachetable")

    def collectstatic(self) -> None:
        self.manage("collectstatic", "--noinput", "-v0")

    def prepare(self, *seed_args: str, quiet: bool = False) -> dict:
        """A fresh database, migrated, the static files collected and a class seeded
        (bench/seed.py with `seed_args`): the plan the virtual users follow."""
        self.create_database()
        self.migrate()
        self.collectstatic()
        plan = self.dir / "plan.json"
        subprocess.run(
            [str(VENV_BIN / "python"), "-m", "bench.seed", "--out", str(plan), *seed_args],
            cwd=ROOT,
            env=self.env(),
            check=True,
            stdout=subprocess.DEVNULL if quiet else None,
        )
        return json.loads(plan.read_text())

    # --- processes ----------------------------------------------------------------------

    def start(self, label: str, args: list[str], *, env=None, log_name=None) -> subprocess.Popen:
        out = open(self.dir / (log_name or f"{label}.log"), "ab")
        process = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env or self.env(),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append((label, process))
        return process

    def gunicorn(self, port: int, *, workers: int = 4, label=None, **env_extra) -> str:
        label = label or f"gunicorn-{port}"
        self.start(
            label,
            [
                str(VENV_BIN / "gunicorn"),
                "counterpoint.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--graceful-timeout",
                "5",
                "--timeout",
                "30",
                # gunicorn 27 opens a control socket at one fixed path per user: two servers
                # (or a developer's own gunicorn) would fight over it.
                "--no-control-socket",
            ],
            env=self.env(**env_extra),
        )
        base = f"http://127.0.0.1:{port}"
        if not wait_for_http(base + "/healthz", timeout=40):
            raise RuntimeError(
                f"{label} did not answer /healthz; see {self.dir / (label + '.log')}"
            )
        return base

    def pid(self, label: str) -> int | None:
        return next((p.pid for name, p in self.processes if name == label), None)

    def stop(self, label: str) -> None:
        for name, process in self.processes:
            if name == label:
                _terminate(process)

    def close(self) -> None:
        for _, process in reversed(self.processes):
            _terminate(process)
        self.processes.clear()
        if self.created_database:
            try:
                psql_admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            except RuntimeError as error:
                log(f"could not drop {self.database}: {error}")
            self.created_database = False
        if os.environ.get("BENCH_KEEP_LOGS"):
            log(f"logs kept in {self.dir}")
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        signal.signal(signal.SIGTERM, _raise_interrupt)
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def tail(self, label: str, lines: int = 30) -> str:
        path = self.dir / f"{label}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def _terminate(process: subprocess.Popen) -> None:
    """SIGTERM the process's group (the one we started), then SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=5)
