"""What each request of the class mix costs the app: `python -m bench.endpoints`
(`make bench-endpoints`).

`make bench` measures the whole server under load; this measures one request at a time, so
that a change to one endpoint shows in its own figures within a minute. A database of its own
(BENCH_DATABASE, default `cp_endpoints`, dropped afterwards), the bench's class seeded
(bench/seed.py: 40 students, 1,000 notes), the shared cache in Redis as `make bench` has it,
and then, in-process with Django's test client (the whole middleware stack, DEBUG off), the
requests of the burst in the burst's proportions: rounds in which a few students annotate and
reply, and then every student polls with the ETag and open cards their page holds (a delta),
reloads the page now and then, builds an outline and saves its thesis; the teacher opens the
moderation page, pins and unpins, and reads an outline.

Per endpoint it prints the requests made, the app's median CPU milliseconds (this process's
CPU time, minus nothing: the test client costs the same for every request), the median time
spent waiting on PostgreSQL and the median queries. The last line is the mix: the CPU per
request weighted as the burst weighs the endpoints. BENCH_PROFILE=<endpoint name> also runs
cProfile over that endpoint's requests and prints the top of it (BENCH_PROFILE_LINES lines,
60 unless set, sorted by BENCH_PROFILE_SORT, `cumulative` unless set: `tottime` shows where
the time itself goes).
"""

import cProfile
import io
import json
import os
import pstats
import random
import statistics
import subprocess
import sys
import time
import uuid

from bench.stack import ROOT, VENV_BIN, Stack, log

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "12"))
POLLERS = int(os.environ.get("BENCH_POLLERS", "20"))


class _QueryClock:
    def __init__(self):
        self.ms = 0.0
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        self.count += 1
        try:
            return execute(sql, params, many, context)
        finally:
            self.ms += (time.perf_counter() - started) * 1000


class Meter:
    def __init__(self, profile_name: str | None):
        self.rows: dict[str, list[tuple[float, float, int]]] = {}
        self.profile_name = profile_name
        # Each request's profile, under the name its row ends up with (a poll is named by
        # its answer: 304, changed cards or the whole list).
        self.profiles: dict[str, list[cProfile.Profile]] = {}

    def _may_become(self, name: str) -> bool:
        target = self.profile_name
        return bool(target) and (
            name == target or (name.startswith("GET poll") and target.startswith("GET poll"))
        )

    def __call__(self, name, send):
        from django.db import connection

        clock = _QueryClock()
        profiler = cProfile.Profile(time.process_time) if self._may_become(name) else None
        started = time.process_time()
        with connection.execute_wrapper(clock):
            if profiler:
                profiler.enable()
            response = send()
            if profiler:
                profiler.disable()
        cpu = (time.process_time() - started) * 1000
        if response.status_code == 304:
            name = "GET poll (304 unchanged)"
        self.rows.setdefault(name, []).append((cpu, clock.ms, clock.count))
        self.profiles.setdefault(name, []).append(profiler)
        return response

    def rename_last(self, old: str, new: str) -> None:
        """The last request named `old` is one of `new` after all."""
        self.rows.setdefault(new, []).append(self.rows[old].pop())
        self.profiles.setdefault(new, []).append(self.profiles[old].pop())

    def print_profile(self, lines: int) -> None:
        profiles = [p for p in self.profiles.get(self.profile_name, []) if p]
        if not profiles:
            log(f"BENCH_PROFILE: no request was {self.profile_name!r}")
            return
        stream = io.StringIO()
        stats = pstats.Stats(profiles[0], stream=stream)
        for profile in profiles[1:]:
            stats.add(profile)
        stats.sort_stats(os.environ.get("BENCH_PROFILE_SORT", "cumulative")).print_stats(lines)
        log(stream.getvalue())


def _client(session_key):
    from django.conf import settings
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    return client


def _csrf(client) -> str:
    cookie = client.cookies.get("csrftoken")
    return cookie.value if cookie else ""


def measure(out: str, plan_path: str) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from bench.report import (
        acknowledged_id,
        full_card_ids,
        outline_id_from,
        outline_version,
        poll_etag,
    )

    plan = json.load(open(plan_path))
    meter = Meter(os.environ.get("BENCH_PROFILE") or None)
    rng = random.Random(23)
    assignment = plan["assignment"]
    students = []
    for me in plan["students"][:POLLERS]:
        client = _client(me["session"])
        students.append({"me": me, "client": client, "etag": None, "open": []})

    def read(s):
        response = meter("GET reading page", lambda: s["client"].get(f"/assignments/{assignment}/"))
        s["etag"] = poll_etag(response.content.decode())
        s["open"] = full_card_ids(response.content.decode())

    def poll(s):
        url = f"/assignments/{assignment}/annotations/poll/"
        if s["open"]:
            url += "?open=" + ",".join(str(pk) for pk in s["open"])
        response = meter(
            "GET poll (200 changed cards)",
            lambda: s["client"].get(
                url, headers={"HX-Request": "true", "If-None-Match": s["etag"] or ""}
            ),
        )
        if response.status_code == 200:
            s["etag"] = response.headers.get("ETag") or s["etag"]
            html = response.content.decode()
            if 'id="annotation-list"' in html:
                meter.rename_last("GET poll (200 changed cards)", "GET poll (200 whole list)")
                s["open"] = full_card_ids(html)
            else:
                s["open"] = list(dict.fromkeys(s["open"] + full_card_ids(html)))

    def post(s, url, data, name):
        headers = {"HX-Request": "true", "X-CSRFToken": _csrf(s["client"])}
        return meter(name, lambda: s["client"].post(url, data, headers=headers))

    def annotate(s):
        passage = rng.choice(plan["passages"])
        token = f"bench-{uuid.uuid4().hex[:16]}"
        data = {
            "passage": passage["id"],
            **rng.choice(passage["selections"]),
            "body": f"{token}: the contrast between the two leaders is sharp here.",
            "kind": rng.choice(["evidence", "question", "comment"]),
            "visibility": "class",
            "tags": "",
        }
        if plan["dimensions"]:
            data["dimension"] = rng.choice(plan["dimensions"])
        response = post(s, f"/assignments/{assignment}/annotations/new/", data, "POST annotation")
        assert acknowledged_id(response.content.decode(), token), response.status_code

    def reply(s):
        parent = rng.choice(plan["reply_to"])
        token = f"bench-{uuid.uuid4().hex[:16]}"
        response = post(s, f"/annotations/{parent}/reply/", {"body": f"{token}: no."}, "POST reply")
        assert acknowledged_id(response.content.decode(), token), response.status_code

    def build(s):
        client = s["client"]
        url = f"/assignments/{assignment}/builder/"
        meter("GET builder page", lambda: client.get(url))
        data = {
            "dimensions": plan["dimensions"][:3],
            "evidence": [f"annotation:{pk}" for pk in s["me"]["own"][:4]],
            "structure": "point_by_point",
            "stance": "differences",
            "create": "1",
        }
        response = meter(
            "POST builder (create outline)",
            lambda: client.post(url, data, headers={"X-CSRFToken": _csrf(client)}),
        )
        outline = outline_id_from(response.headers.get("Location", ""))
        page = meter("GET outline page", lambda: client.get(f"/outlines/{outline}/"))
        version = outline_version(page.content.decode())
        post(
            s,
            f"/outlines/{outline}/save/",
            {"field": "thesis", "value": "Khrushchev broke with the terror.", "version": version},
            "POST outline save",
        )

    teacher = _client(plan["teacher"]["session"])
    moderation = f"/classes/{plan['classroom']}/moderation/"
    teacher.get(moderation)  # the csrftoken cookie
    for s in students:  # the first page load of each, and a warm-up of every template
        read(s)
    for number in range(ROUNDS):
        writers = rng.sample(students, 4)
        for s in writers[:2]:
            annotate(s)
        for s in writers[2:]:
            reply(s)
        for s in students:
            poll(s)
        for s in rng.sample(students, 2):
            read(s)
        if number < len(students) // 2:
            build(students[number])
        meter("GET moderation page", lambda: teacher.get(moderation))
        target = plan["moderate"][number % len(plan["moderate"])]
        action = "pin" if number % 2 == 0 else "unpin"
        meter(
            "POST moderate (pin/unpin)",
            lambda target=target, action=action: teacher.post(
                f"/annotations/{target}/moderate/",
                {"action": action, "reason": "", "section": "latest"},
                headers={"HX-Request": "true", "X-CSRFToken": _csrf(teacher)},
            ),
        )
        outline = plan["outlines"][number % len(plan["outlines"])]
        meter(
            "GET outline page (teacher)",
            lambda outline=outline: teacher.get(f"/outlines/{outline}/"),
        )
        for s in students[:3]:  # nothing changed since their last poll: 304
            poll(s)
    with open(out, "w") as f:
        json.dump({k: v for k, v in meter.rows.items() if v}, f)
    if meter.profile_name:
        meter.print_profile(int(os.environ.get("BENCH_PROFILE_LINES", "60")))


# How often each endpoint comes in `make bench`'s burst (a run on a quiet machine): the mix's
# CPU per request is the average weighted by these.
BURST_WEIGHTS = {
    "GET builder page": 37,
    "GET moderation page": 13,
    "GET outline page": 37,
    "GET outline page (teacher)": 12,
    "GET poll (200 changed cards)": 429,
    "GET poll (200 whole list)": 4,
    "GET poll (304 unchanged)": 10,
    "GET reading page": 77,
    "POST annotation": 73,
    "POST builder (create outline)": 37,
    "POST moderate (pin/unpin)": 12,
    "POST outline save": 36,
    "POST reply": 72,
}


def table(rows: dict) -> str:
    lines = ["endpoint                          reqs  app CPU ms  DB wait ms  queries"]
    mix_cpu = mix_db = weight_sum = 0.0
    for name in sorted(rows):
        samples = rows[name]
        cpu = statistics.median(s[0] for s in samples)
        db = statistics.median(s[1] for s in samples)
        queries = statistics.median(s[2] for s in samples)
        lines.append(f"{name:32} {len(samples):5} {cpu:11.1f} {db:11.1f} {queries:8.0f}")
        weight = BURST_WEIGHTS.get(name, 0)
        mix_cpu += weight * cpu
        mix_db += weight * db
        weight_sum += weight
    lines.append(
        f"endpoints: mix app_cpu_ms={mix_cpu / weight_sum:.1f} db_wait_ms={mix_db / weight_sum:.1f}"
        " (weighted as the burst)"
    )
    return "\n".join(lines)


def _forget_cache(url: str, prefix: str) -> None:
    """Delete this run's keys from Redis (sessions, counters, rendered cards), as the
    database is dropped: nothing of a run outlives it."""
    import redis

    try:
        client = redis.Redis.from_url(url)
        keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
        for start in range(0, len(keys), 500):
            client.delete(*keys[start : start + 500])
    except redis.RedisError as error:
        log(f"endpoints: could not delete this run's Redis keys: {error}")


def main() -> int:
    database = os.environ.get("BENCH_DATABASE", "cp_endpoints")
    with Stack("endpoints", database=database) as stack:
        plan = stack.prepare("--students", "40", "--annotations", "1000", "--outlines", "40")
        del plan
        out = stack.dir / "rows.json"
        redis = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
        cache = {"REDIS_URL": redis, "CACHE_KEY_PREFIX": f"{database}-{stack.dir.name}"}
        try:
            subprocess.run(
                [
                    str(VENV_BIN / "python"),
                    "-m",
                    "bench.endpoints",
                    "--measure",
                    str(out),
                    str(stack.dir / "plan.json"),
                ],
                cwd=ROOT,
                env=stack.env(**(cache if redis else {})),
                check=True,
            )
        finally:
            if redis:
                _forget_cache(redis, cache["CACHE_KEY_PREFIX"])
        rows = json.loads(out.read_text())
    log(table(rows))
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--measure":
        measure(sys.argv[2], sys.argv[3])
        sys.exit(0)
    sys.exit(main())
