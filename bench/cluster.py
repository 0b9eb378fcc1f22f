"""`make cluster-check`: two app servers behind nginx, one PostgreSQL, a scripted session.

Starts, on loopback: a database of its own on the running PostgreSQL (`counterpoint_cluster`,
dropped at the end), two gunicorn app servers (ports 8101 and 8102) and nginx (Debian's
package, its own config, pid file and logs in a temporary directory) balancing round-robin on
port 8088. Then, as a student would, through the balancer and each server directly:

    log in on server A, and be signed in on server B (sessions live in the database);
    the balancer sends requests to both servers;
    annotate on A, and see the annotation on B's poll (each server answers any poll);
    edit the text on A as its teacher, and see the edit on B's reading page (each server
    keeps the text it read, per version: comparisons.reading);
    hit the posting limit with posts spread over both servers (ANNOTATION_RATE_LIMIT=5:
    the limit's counters live in the shared database cache table, counterpoint_cache);
    log out on B, and be signed out on A too.

CLUSTER_REDIS_URL=redis://127.0.0.1:6379/0 runs the same check with Redis as the shared
cache, as a deployment with Redis has it: the limit's counters are then Redis keys, and the
sessions are kept in Redis in front of the database (counterpoint/lib/sessions.py), so
signing in on A and out on B checks that both servers read one session, not a copy each. The
run's keys are deleted at the end.

Prints PASS or FAIL per step, stops everything it started (also on Ctrl+C or an error), and
exits 1 if any step failed.
"""

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

from bench.browser import Browser
from bench.report import poll_etag
from bench.stack import Stack, log, psql_admin

# CLUSTER_APP_PORTS=8111,8112 lets two checks run side by side on one machine.
PORTS = tuple(int(p) for p in os.environ.get("CLUSTER_APP_PORTS", "8101,8102").split(","))
BALANCER_PORT = int(os.environ.get("CLUSTER_PORT", "8088"))
RATE_LIMIT = 5
REDIS = os.environ.get("CLUSTER_REDIS_URL", "")

NGINX_CONF = """
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    upstream counterpoint {{
        # round-robin, the default
        {servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://counterpoint;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            # Which app server answered: lets the check see the round-robin.
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


class Checks:
    def __init__(self):
        self.failed = []

    def step(self, name: str, ok: bool, detail: str = "") -> bool:
        log(f"{'PASS' if ok else 'FAIL'}: {name}{f' ({detail})' if detail else ''}")
        if not ok:
            self.failed.append(name)
        return ok


def ensure_nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if found:
        return found
    log("cluster: installing nginx (Debian package)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "nginx"], check=True, env=env, stdout=subprocess.DEVNULL
    )
    return shutil.which("nginx") or "/usr/sbin/nginx"


def start_nginx(stack: Stack, nginx: str, upstreams: list[int]) -> str:
    conf = stack.dir / "nginx.conf"
    conf.write_text(
        NGINX_CONF.format(
            dir=stack.dir,
            port=BALANCER_PORT,
            servers="\n        ".join(f"server 127.0.0.1:{p};" for p in upstreams),
        )
    )
    stack.start(
        "nginx",
        [nginx, "-c", str(conf), "-p", str(stack.dir), "-e", str(stack.dir / "nginx-error.log")],
    )
    base = f"http://127.0.0.1:{BALANCER_PORT}"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            if Browser(timeout=2).get(base + "/healthz").status == 200:
                return base
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"nginx did not start: {stack.tail('nginx')} {stack.tail('nginx-error')}")


def annotation_form(plan: dict, token: str) -> dict:
    passage = plan["passages"][0]
    return {
        "passage": passage["id"],
        **passage["selections"][0],
        "body": f"{token}: seen from the other server?",
        "kind": "evidence",
        "visibility": "class",
        "tags": "",
    }


def wait_for_fresh_window(seconds_needed: int = 20) -> None:
    """The limit counts in fixed one-minute windows: start the burst early in one."""
    into = time.time() % 60
    if into > 60 - seconds_needed:
        time.sleep(60 - into + 0.5)


def run(checks: Checks, stack: Stack, plan: dict, a: str, b: str, balancer: str) -> None:
    assignment = plan["assignment"]
    read = f"/assignments/{assignment}/"
    poll = f"/assignments/{assignment}/annotations/poll/"
    new = f"/assignments/{assignment}/annotations/new/"
    htmx = {"HX-Request": "true"}

    upstreams = {Browser().get(balancer + "/healthz").header("X-Upstream") for _ in range(6)}
    checks.step(
        "the balancer sends requests to both app servers",
        upstreams == {f"127.0.0.1:{p}" for p in PORTS},
        f"answered by {sorted(upstreams)}",
    )

    student = Browser()
    login = student.log_in(a, plan["students"][0]["email"], plan["password"])
    checks.step(
        "log in on server A",
        login.status == 302 and bool(student.cookie("sessionid")),
        f"{login.status} -> {login.header('Location')}",
    )
    on_b = student.get(b + "/")
    checks.step(
        "the same session is signed in on server B",
        on_b.status == 200,  # signed out, the dashboard redirects to the login page
        f"dashboard on B: {on_b.status}",
    )
    page_b = student.get(b + read)
    etag_b = poll_etag(page_b.text)
    unchanged = student.get(b + poll, headers={**htmx, "If-None-Match": etag_b or ""})
    checks.step(
        "server B's poll is 304 while nothing changed",
        unchanged.status == 304,
        f"{unchanged.status}",
    )

    token = f"cluster-{uuid.uuid4().hex[:12]}"
    made = student.post(a + new, annotation_form(plan, token))
    location = made.header("Location")
    checks.step(
        "annotate on server A",
        made.status == 302 and "#annotation-" in location,
        f"{made.status} -> {location}",
    )
    seen = student.get(b + poll, headers={**htmx, "If-None-Match": etag_b or ""})
    # Its card, in full or collapsed (a delta shows new cards collapsed on a full panel).
    card = 'id="' + location.rsplit("#", 1)[-1] + '"'
    arrived = seen.status == 200 and "#annotation-" in location and card in seen.text
    checks.step(
        "the annotation appears on server B's poll",
        arrived,
        f"{seen.status}, {'with' if arrived else 'without'} the new annotation's card",
    )
    new_etag = seen.header("ETag")
    settled = student.get(a + poll, headers={**htmx, "If-None-Match": new_etag})
    checks.step(
        "server A agrees with B's new ETag (304)",
        settled.status == 304,
        f"{settled.status}",
    )
    via_balancer = [student.get(balancer + read) for _ in range(4)]
    checks.step(
        "the reading page through the balancer, from both servers, with the annotation",
        all(r.status == 200 and token in r.text for r in via_balancer)
        and len({r.header("X-Upstream") for r in via_balancer}) == 2,
        ", ".join(f"{r.status} from {r.header('X-Upstream')}" for r in via_balancer),
    )

    # Each server keeps the text it has read (comparisons.reading): an edit made through one
    # must show on the other at once. Both have just served the page, so both keep it now.
    teacher = Browser()
    teacher.log_in(a, plan["teacher"]["email"], plan["password"])
    section = plan["sections"][0]
    heading = f"Edited on server A {token}"
    edited = teacher.post(
        a + f"/comparisons/{plan['comparison']}/section/{section}/",
        {f"section-{section}-heading": heading},
    )
    pages_b = [student.get(b + read) for _ in range(4)]  # each worker of B, most likely
    checks.step(
        "a teacher's edit of the text on server A shows on server B's next page",
        edited.status == 302 and all(r.status == 200 and heading in r.text for r in pages_b),
        f"edit {edited.status}; B: "
        + ", ".join(
            f"{r.status} {'with' if heading in r.text else 'WITHOUT'} the edit" for r in pages_b
        ),
    )

    # The posting limit, with a second student (a fresh counter), alternating servers.
    poster = Browser()
    poster.log_in(balancer, plan["students"][1]["email"], plan["password"])
    poster.get(balancer + read)
    wait_for_fresh_window()
    statuses = []
    for i in range(RATE_LIMIT + 2):
        server = (a, b)[i % 2]
        answer = poster.post(
            server + new, annotation_form(plan, f"limit-{i}-{uuid.uuid4().hex[:8]}")
        )
        statuses.append((("A", "B")[i % 2], answer.status))
    accepted = [s for _, s in statuses if s == 302]
    refused = [s for _, s in statuses if s == 429]
    checks.step(
        f"the posting limit ({RATE_LIMIT} a minute) holds across both servers",
        len(accepted) == RATE_LIMIT
        and len(refused) == 2
        and [s for _, s in statuses[RATE_LIMIT:]] == [429, 429],
        " ".join(f"{where}:{status}" for where, status in statuses),
    )
    if REDIS:
        keys = _redis_keys(stack, "ratelimit")
        checks.step(
            "its counters live in the shared cache (Redis)",
            len(keys) > 0,
            f"{len(keys)} rate-limit keys",
        )
    else:
        rows = psql_admin(
            "SELECT count(*) FROM counterpoint_cache WHERE cache_key LIKE '%ratelimit%'",
            database=stack.database,
        )
        checks.step(
            "its counters live in the shared database cache table (counterpoint_cache)",
            rows.isdigit() and int(rows) > 0,
            f"{rows} rate-limit rows",
        )

    # Both servers have read the student's session by now (kept in Redis with REDIS): a
    # logout on one must end it on the other at once.
    before = student.get(a + "/")
    session = student.cookie("sessionid")
    if REDIS:
        checks.step(
            "the session is kept in the shared cache (Redis), in front of the database",
            len(_redis_keys(stack, f"cached_db{session}")) == 1,
        )
    student.get(b + "/accounts/profile/")  # a fresh csrftoken cookie, as the page's form has
    out = student.post(b + "/accounts/logout/", {})
    after = student.get(a + "/")
    checks.step(
        "log out on server B, and be signed out on server A",
        before.status == 200 and out.status == 302 and after.status == 302,
        f"A before {before.status}; logout on B {out.status}; A after {after.status}"
        f" -> {after.header('Location')}",
    )
    if REDIS:
        ended = _redis_values(stack, f"cached_db{session}")
        checks.step(
            "the session is ended in the cache too (an empty session under its key)",
            ended == [{}],
            f"{ended}",
        )


def _cache_prefix(stack: Stack) -> str:
    return f"{stack.database}-{stack.dir.name}"


def _redis_keys(stack: Stack, containing: str = "") -> list:
    import redis

    client = redis.Redis.from_url(REDIS)
    return list(client.scan_iter(match=f"{_cache_prefix(stack)}*{containing}*", count=1000))


def _redis_values(stack: Stack, containing: str) -> list:
    """The values of this run's keys that contain `containing`, as Django's RedisCache
    stored them (pickled)."""
    import pickle

    import redis

    client = redis.Redis.from_url(REDIS)
    return [pickle.loads(client.get(key)) for key in _redis_keys(stack, containing)]


def _forget_cache(stack: Stack) -> None:
    """Delete this run's keys from Redis (counters, sessions, rendered cards), as the
    database is dropped."""
    import redis

    try:
        keys = _redis_keys(stack)
        if keys:
            redis.Redis.from_url(REDIS).delete(*keys)
    except redis.RedisError as error:
        log(f"cluster: could not delete this run's Redis keys: {error}")


def main() -> int:
    checks = Checks()
    nginx = ensure_nginx()
    with Stack(
        "cluster", database=os.environ.get("CLUSTER_DATABASE", "counterpoint_cluster")
    ) as stack:
        try:
            plan = stack.prepare(
                "--students", "3", "--annotations", "20", "--outlines", "0", quiet=True
            )
            cache = {"REDIS_URL": REDIS, "CACHE_KEY_PREFIX": _cache_prefix(stack)} if REDIS else {}
            a, b = (
                stack.gunicorn(port, workers=2, ANNOTATION_RATE_LIMIT=RATE_LIMIT, **cache)
                for port in PORTS
            )
            balancer = start_nginx(stack, nginx, list(PORTS))
            log(
                f"cluster: app servers {a} and {b}, nginx at {balancer}, shared cache: "
                + ("Redis" if REDIS else "the database table")
            )
            run(checks, stack, plan, a, b, balancer)
        except (subprocess.CalledProcessError, RuntimeError, OSError) as error:
            checks.step("the cluster started and answered", False, str(error))
            for label in (*(f"gunicorn-{port}" for port in PORTS), "nginx-error"):
                log(stack.tail(label, 15))
        finally:
            if REDIS:
                _forget_cache(stack)
    log(
        "cluster-check: " + ("PASS" if not checks.failed else f"FAIL ({len(checks.failed)} failed)")
    )
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
